/* The dashboard's charts (reports/dashboard.html). The figures must not wait for ECharts: this
   file is deferred, and it asks for ECharts (our own build, the URL in its <script>'s
   data-echarts) only once the page is parsed; a script added by script does not hold up
   DOMContentLoaded. The charts are drawn when ECharts arrives; without it (offline, blocked)
   the page keeps its figures and tables and the chart boxes stay empty. */
(function () {
  "use strict";
  var me = document.currentScript;
  var source = document.getElementById("dashboard-charts");
  if (!me || !source) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function draw(echarts, id, option) {
    var el = document.getElementById(id);
    if (!el) {
      return;
    }
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }

  function drawAll() {
    var echarts = window.echarts;
    if (!echarts) {
      return;
    }
    draw(echarts, "chart-trend", {
      tooltip: {trigger: "axis"},
      legend: {top: 0},
      grid: {left: 40, right: 10, top: 30, bottom: 30},
      xAxis: {type: "category", data: data.months},
      yAxis: {type: "value"},
      series: data.trend.map(function (s) { return {name: s.name, type: "line", data: s.data}; })
    });
    data.bars.forEach(function (bar) {
      draw(echarts, bar.id, {
        title: {text: bar.title, textStyle: {fontSize: 12}},
        tooltip: {trigger: "axis"},
        grid: {left: 40, right: 10, top: 30, bottom: 60},
        xAxis: {type: "category", data: bar.names, axisLabel: {rotate: 30}},
        yAxis: {type: "value"},
        series: [{type: "bar", data: bar.values}]
      });
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (window.echarts) {
    drawAll();
    return;
  }
  var loader = document.createElement("script");
  loader.src = me.dataset.echarts;
  loader.addEventListener("load", drawAll);
  document.head.appendChild(loader);
})();
