// Line charts of a major project's core indicators: target to date against actual to date.
// The data sits in <script type="application/json" id="…"> next to each <canvas data-chart-source="…">
// (the CSP forbids inline scripts); the same numbers are in the table under 「查看数据」, so the page
// reads without this file or without chart.js.
(function () {
  'use strict';
  if (window.projectChartsLoaded) { return; }
  window.projectChartsLoaded = true;

  var COLOURS = ['#8a8f98', '#c0392b'];

  function draw(root) {
    if (typeof window.Chart === 'undefined' || !root || !root.querySelectorAll) { return; }
    root.querySelectorAll('canvas[data-chart-source]').forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) { return; }
      var source = document.getElementById(canvas.getAttribute('data-chart-source'));
      if (!source) { return; }
      var data;
      try { data = JSON.parse(source.textContent); } catch (error) { return; }
      new window.Chart(canvas, {
        type: 'line',
        data: {
          labels: data.labels,
          datasets: data.series.map(function (series, index) {
            return {
              label: series.label,
              data: series.values,
              borderColor: COLOURS[index % COLOURS.length],
              backgroundColor: COLOURS[index % COLOURS.length],
              borderDash: index === 0 ? [6, 4] : [],
              spanGaps: true,
              tension: 0
            };
          })
        },
        options: {
          responsive: true,
          animation: false,
          plugins: { legend: { position: 'bottom' } },
          scales: { y: { beginAtZero: true, title: { display: true, text: data.unit } } }
        }
      });
    });
  }

  function destroy(root) {
    if (typeof window.Chart === 'undefined' || !root || !root.querySelectorAll) { return; }
    root.querySelectorAll('canvas[data-chart-source]').forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) { chart.destroy(); }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { draw(document); });
  } else {
    draw(document);
  }
  if (window.htmx && typeof window.htmx.onLoad === 'function') {
    window.htmx.onLoad(draw);
  }
  document.addEventListener('htmx:before:cleanup', function (event) { destroy(event.target); });
})();
