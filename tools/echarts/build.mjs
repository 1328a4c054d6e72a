// Builds jinguo/common/static/vendor/echarts/echarts.custom.min.js from entry.js: a minified
// IIFE that sets window.echarts, as the full dist/echarts.min.js does. Run by `make echarts`.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const version = JSON.parse(readFileSync('node_modules/echarts/package.json', 'utf8')).version;
// ECharts' own header (the Apache License notice), as on dist/echarts.min.js.
const notice = readFileSync('node_modules/echarts/dist/echarts.min.js', 'utf8').match(/^\s*\/\*[\s\S]*?\*\//)[0].trim();

await build({
  entryPoints: ['entry.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'echarts',
  target: 'es2015',
  legalComments: 'none',
  banner: { js: `${notice}\n/* Apache ECharts ${version}, custom build for Jinguo (tools/echarts/entry.js) */` },
  outfile: '../../jinguo/common/static/vendor/echarts/echarts.custom.min.js',
  logLevel: 'info',
});
