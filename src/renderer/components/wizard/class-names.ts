/**
 * Human class names of the standard datasets (the order of the labels in the
 * binary files: CIFAR-10 `batches.meta.txt`, CIFAR-100 `fine_label_names`
 * — the fine label is the one the engine reads). Other datasets: "class k".
 */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const

export const CIFAR100_FINE_CLASSES = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle caterpillar cattle ' +
  'chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant flatfish forest fox girl hamster house kangaroo ' +
  'keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter ' +
  'palm_tree pear pickup_truck pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk ' +
  'skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone television tiger tractor train trout tulip ' +
  'turtle wardrobe whale willow_tree wolf woman worm'
).split(' ')

/** The label's name for a dataset kind ('cifar10', 'cifar100', …); "class k" when unknown. */
export function className(kind: string | undefined, label: number): string {
  const names = kind === 'cifar10' ? CIFAR10_CLASSES : kind === 'cifar100' ? CIFAR100_FINE_CLASSES : null
  return names?.[label]?.replace(/_/g, ' ') ?? `class ${label}`
}
