// Cockpit charts from the JSON next to each canvas (the CSP forbids inline scripts). Every chart
// has the same numbers in a 「查看数据」 table, so the page reads without this file.
(function () {
  'use strict';
  if (window.cockpitLoaded) { return; }
  window.cockpitLoaded = true;

  function readData(id) {
    var source = document.getElementById(id);
    if (!source) { return null; }
    try { return JSON.parse(source.textContent); } catch (error) { return null; }
  }

  var LABEL_CHARACTERS = 14;
  function shortLabel(label) {
    var text = String(label);
    return text.length > LABEL_CHARACTERS ? text.slice(0, LABEL_CHARACTERS - 1) + '…' : text;
  }

  // A ranked horizontal bar chart coloured by band; the band name is in the tooltip and the tiles.
  function barChart(canvas, data) {
    var box = canvas.parentElement;
    if (box) { box.style.height = Math.max(240, data.labels.length * 18 + 40) + 'px'; }
    return new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: [{
          label: '得分',
          data: data.values,
          backgroundColor: data.colors,
          borderColor: data.highlight.map(function (own) { return own ? '#000' : 'rgba(0,0,0,0.25)'; }),
          borderWidth: data.highlight.map(function (own) { return own ? 2 : 1; })
        }]
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { afterLabel: function (context) { return data.bandNames[context.dataIndex]; } } }
        },
        scales: {
          x: { beginAtZero: true },
          // Long project names would push the axis off the canvas and lose their start: shorten
          // them at the end (the tooltip and the data table keep the full name).
          y: { ticks: { autoSkip: false, font: { size: 11 }, callback: function (value) { return shortLabel(this.getLabelForValue(value)); } } }
        }
      }
    });
  }

  var LINE_COLOURS = ['#c0392b', '#2c7bb6', '#8a8f98'];
  function lineChart(canvas, data) {
    return new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.values,
            borderColor: LINE_COLOURS[index % LINE_COLOURS.length],
            backgroundColor: LINE_COLOURS[index % LINE_COLOURS.length],
            borderDash: index === 0 ? [] : [5, 4],
            tension: 0
          };
        })
      },
      options: { responsive: true, animation: false, plugins: { legend: { position: 'bottom' } } }
    });
  }

  function draw(root) {
    if (typeof window.Chart === 'undefined') { return; }
    root.querySelectorAll('canvas[data-bar-chart], canvas[data-line-chart]').forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) { return; }
      var bar = canvas.getAttribute('data-bar-chart');
      var data = readData(bar || canvas.getAttribute('data-line-chart'));
      if (!data) { return; }
      if (bar) { barChart(canvas, data); } else { lineChart(canvas, data); }
    });
  }

  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-print]') : null;
    if (button) { window.print(); }
  });
  // The data tables print open, so a printed briefing has the numbers.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details.data-table').forEach(function (details) { details.open = true; });
  });
  function start() { draw(document); }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
  window.addEventListener('load', start);
})();
