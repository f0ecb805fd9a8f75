/** Tree-shaken ECharts registration for the renderer (canvas for display, SVG for SVG export). */
import { use } from 'echarts/core'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'
import { LineChart, ParallelChart, ScatterChart } from 'echarts/charts'
import {
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components'

use([
  CanvasRenderer, SVGRenderer, LineChart, ScatterChart, ParallelChart,
  GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent, BrushComponent, ParallelComponent, VisualMapComponent,
])

export { init } from 'echarts/core'
