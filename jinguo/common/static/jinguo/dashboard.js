/* The dashboard's charts (reports/dashboard.html). The figures must not wait for ECharts, nor
   for the work of drawing on a slow phone:
   - this file is deferred, and it asks for ECharts (our own build, the URL in its <script>'s
     data-echarts) only after the load event, once the browser is idle (the figures painted);
     a script added by script holds up neither DOMContentLoaded nor the figures;
   - each chart is drawn when its box comes near the screen: on a phone the trend chart first,
     the bar charts of the child units as she scrolls to them.
   Without ECharts (offline, blocked) the page keeps its figures and tables, the boxes empty. */
(function () {
  "use strict";
  var me = document.currentScript;
  var source = document.getElementById("dashboard-charts");
  if (!me || !source) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function draw(el, option) {
    var chart = window.echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }

  function drawWhenSeen(id, option) {
    var el = document.getElementById(id);
    if (!el) {
      return;
    }
    if (!("IntersectionObserver" in window)) {
      draw(el, option);
      return;
    }
    var watch = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        watch.disconnect();
        draw(el, option);
      }
    }, {rootMargin: "200px 0px"});
    watch.observe(el);
  }

  function drawAll() {
    if (!window.echarts) {
      return;
    }
    drawWhenSeen("chart-trend", {
      tooltip: {trigger: "axis"},
      legend: {top: 0},
      grid: {left: 40, right: 10, top: 30, bottom: 30},
      xAxis: {type: "category", data: data.months},
      yAxis: {type: "value"},
      series: data.trend.map(function (s) { return {name: s.name, type: "line", data: s.data}; })
    });
    data.bars.forEach(function (bar) {
      drawWhenSeen(bar.id, {
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

  function fetchECharts() {
    if (window.echarts) {
      drawAll();
      return;
    }
    var loader = document.createElement("script");
    loader.src = me.dataset.echarts;
    loader.addEventListener("load", drawAll);
    document.head.appendChild(loader);
  }

  function whenIdle() {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(fetchECharts, {timeout: 1000});
    } else {
      window.setTimeout(fetchECharts, 0);
    }
  }

  if (document.readyState === "complete") {
    whenIdle();
  } else {
    window.addEventListener("load", whenIdle);
  }
})();
