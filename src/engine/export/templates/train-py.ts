/**
 * The `train.py` written next to `model.py` (not run in CI): trains the exported
 * network on CIFAR-10/100 or an ImageNet-style image folder with the paper's
 * recipes as documented defaults (reference notes, "Search-result columns" and
 * "ImageNet (Table 10)"):
 * - CIFAR (`--recipe cifar`): the NAS-Bench-201 200-epoch schedule — SGD,
 *   Nesterov momentum 0.9, lr 0.1 cosine-annealed to 0, weight decay 5e-4,
 *   batch 256, random crop 32 (pad 4) + horizontal flip.
 * - ImageNet (`--recipe imagenet`): the paper's MobileNetV2-space training —
 *   480 epochs, SGD momentum 0.9, lr 0.2 cosine, weight decay 4e-5, batch 512,
 *   label smoothing 0.1; knowledge distillation from a torchvision ResNet-152
 *   is optional (`--teacher resnet152`, needs torchvision and its weights).
 * Requires torch (+ torchvision for the datasets). Every default is a flag.
 */
export interface TrainTemplateInfo {
  spaceId: string
  arch: string
  numClasses: number
  inputSize: number
}

/** The `train.py` text (see the module comment). */
export function trainPy(info: TrainTemplateInfo): string {
  const defaultRecipe = info.spaceId === 'mbv2' ? 'imagenet' : 'cifar'
  return `"""Train the exported ZSNAS Studio architecture (generated; edit freely).

Architecture (${info.spaceId}): ${info.arch}

Recipes (documented defaults, every one a flag):
  --recipe cifar     NAS-Bench-201 200-epoch schedule: SGD Nesterov momentum 0.9, lr 0.1 cosine to 0,
                     weight decay 5e-4, batch 256, random crop 32 (pad 4) + horizontal flip.
                     Datasets: --dataset cifar10 | cifar100 (torchvision downloads into --data).
  --recipe imagenet  The paper's MobileNetV2-space training: 480 epochs, SGD momentum 0.9, lr 0.2 cosine,
                     weight decay 4e-5, batch 512, label smoothing 0.1, RandomResizedCrop + flip.
                     Dataset: --dataset folder with --data ROOT holding train/ and val/ (ImageFolder layout).
                     Optional knowledge distillation: --teacher resnet152 (torchvision, pretrained weights).

Examples:
  python train.py --recipe cifar --dataset cifar10 --data ./data
  python train.py --recipe imagenet --dataset folder --data /path/to/imagenet --resolution ${info.spaceId === 'mbv2' ? info.inputSize : 224}
  python train.py --weights weights.safetensors ...   # start from the engine's initial weights
"""
import argparse
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from model import build_model

RECIPES = {
    "cifar": dict(epochs=200, lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4, batch_size=256,
                  label_smoothing=0.0),
    "imagenet": dict(epochs=480, lr=0.2, momentum=0.9, nesterov=False, weight_decay=4e-5, batch_size=512,
                     label_smoothing=0.1),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipe", choices=sorted(RECIPES), default="${defaultRecipe}")
    p.add_argument("--dataset", choices=["cifar10", "cifar100", "folder"], default="${defaultRecipe === 'cifar' ? 'cifar10' : 'folder'}")
    p.add_argument("--data", default="./data", help="dataset root (downloaded for CIFAR; train/ and val/ for folder)")
    p.add_argument("--epochs", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--weight-decay", type=float)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--label-smoothing", type=float)
    p.add_argument("--resolution", type=int, default=${info.inputSize}, help="input size the model was exported for")
    p.add_argument("--weights", help="optional state_dict (weights.safetensors) to start from")
    p.add_argument("--teacher", choices=["none", "resnet152"], default="none", help="optional knowledge distillation")
    p.add_argument("--kd-temperature", type=float, default=1.0)
    p.add_argument("--kd-weight", type=float, default=1.0, help="weight of the KD term (CE keeps weight 1)")
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--out", default="checkpoints")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = p.parse_args()
    for k, v in RECIPES[args.recipe].items():
        if getattr(args, k, None) is None:
            setattr(args, k, v)
    return args


def loaders(args):
    import torchvision.transforms as T
    from torchvision import datasets
    if args.dataset in ("cifar10", "cifar100"):
        mean, std = ((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)) if args.dataset == "cifar10" \\
            else ((0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762))
        train_t = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std)])
        test_t = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
        cls = datasets.CIFAR10 if args.dataset == "cifar10" else datasets.CIFAR100
        train = cls(args.data, train=True, download=True, transform=train_t)
        test = cls(args.data, train=False, download=True, transform=test_t)
    else:
        mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
        r = args.resolution
        train_t = T.Compose([T.RandomResizedCrop(r), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std)])
        test_t = T.Compose([T.Resize(int(round(r / 0.875))), T.CenterCrop(r), T.ToTensor(), T.Normalize(mean, std)])
        train = datasets.ImageFolder(os.path.join(args.data, "train"), train_t)
        test = datasets.ImageFolder(os.path.join(args.data, "val"), test_t)
    kw = dict(batch_size=args.batch_size, num_workers=args.workers, pin_memory=True)
    return (torch.utils.data.DataLoader(train, shuffle=True, drop_last=True, **kw),
            torch.utils.data.DataLoader(test, shuffle=False, **kw), len(train.classes))


def evaluate(model, loader, device):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            correct += (model(x).argmax(1) == y).sum().item()
            total += y.numel()
    return 100.0 * correct / max(total, 1)


def main():
    args = parse_args()
    train_loader, test_loader, num_classes = loaders(args)
    model = build_model(num_classes)
    if args.weights:
        from engine_weights import load_state_dict_file
        sd = load_state_dict_file(args.weights)
        head = [k for k in sd if sd[k].shape != model.state_dict()[k].shape]
        for k in head:  # a different class count: keep the fresh classifier
            del sd[k]
        model.load_state_dict(sd, strict=not head)
    model.to(args.device)
    teacher = None
    if args.teacher == "resnet152":
        import torchvision
        teacher = torchvision.models.resnet152(weights="IMAGENET1K_V1").to(args.device).eval()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, nesterov=args.nesterov,
                          weight_decay=args.weight_decay)
    steps = args.epochs * len(train_loader)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    os.makedirs(args.out, exist_ok=True)
    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        for x, y in train_loader:
            x, y = x.to(args.device, non_blocking=True), y.to(args.device, non_blocking=True)
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=args.label_smoothing)
            if teacher is not None:
                with torch.no_grad():
                    t_logits = teacher(x)
                tau = args.kd_temperature
                loss = loss + args.kd_weight * tau * tau * F.kl_div(
                    F.log_softmax(logits / tau, 1), F.softmax(t_logits / tau, 1), reduction="batchmean")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        acc = evaluate(model, test_loader, args.device)
        print(f"epoch {epoch + 1}/{args.epochs}  loss {loss.item():.4f}  test top-1 {acc:.2f}%  {time.time() - t0:.0f}s",
              flush=True)
        torch.save({"epoch": epoch + 1, "model": model.state_dict(), "optimizer": opt.state_dict()},
                   os.path.join(args.out, "last.pt"))


if __name__ == "__main__":
    main()
`
}
