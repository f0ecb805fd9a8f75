/**
 * Standalone export of an on-screen SVG drawing (cell DAG, MBv2 diagram):
 * computed presentation styles are inlined (CSS variables of the theme are
 * resolved), a background rectangle is added, and the result can be
 * rasterised to PNG through a canvas.
 */
const STYLE_PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-size', 'font-family', 'font-weight', 'paint-order', 'opacity', 'text-anchor']

export function serializeSvg(svg: SVGSVGElement, background: string): { text: string; width: number; height: number } {
  const clone = svg.cloneNode(true) as SVGSVGElement
  const src = [svg, ...Array.from(svg.querySelectorAll('*'))]
  const dst = [clone, ...Array.from(clone.querySelectorAll('*'))]
  src.forEach((el, i) => {
    const cs = getComputedStyle(el)
    const style = STYLE_PROPS.map((p) => [p, cs.getPropertyValue(p)] as const)
      .filter(([, v]) => v !== '')
      .map(([p, v]) => `${p}:${v}`)
      .join(';')
    if (style) dst[i].setAttribute('style', style)
  })
  const vb = svg.viewBox?.baseVal
  const width = vb && vb.width ? vb.width : svg.clientWidth || 600
  const height = vb && vb.height ? vb.height : svg.clientHeight || 300
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  clone.setAttribute('width', String(width))
  clone.setAttribute('height', String(height))
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect')
  bg.setAttribute('x', String(vb?.x ?? 0))
  bg.setAttribute('y', String(vb?.y ?? 0))
  bg.setAttribute('width', '100%')
  bg.setAttribute('height', '100%')
  bg.setAttribute('fill', background)
  clone.insertBefore(bg, clone.firstChild)
  return { text: new XMLSerializer().serializeToString(clone), width, height }
}

export async function svgToPngDataUrl(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const img = new Image()
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgText)
  await img.decode()
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(width * scale)
  canvas.height = Math.round(height * scale)
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2D canvas available for PNG export')
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height)
  return canvas.toDataURL('image/png')
}
