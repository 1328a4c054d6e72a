// Jinguo's ECharts: the dashboard's charts only (jinguo/reports/static/reports/dashboard.js).
// Add a chart type or component here when a page starts using it, then `make echarts`.
import { use } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendPlainComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, LegendPlainComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export * from 'echarts/core';
