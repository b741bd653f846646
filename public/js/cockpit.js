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
  function shortLabel(label, characters) {
    var text = String(label);
    return text.length > characters ? text.slice(0, characters - 1) + '…' : text;
  }
  var wall = document.body.classList.contains('screen-wall');

  // The band's number (1 … 5) at the end of each bar: the colour is never the only cue.
  var bandNumbers = {
    id: 'bandNumbers',
    afterDatasetsDraw: function (chart) {
      var numerals = chart.config.options.bandNumerals;
      if (!numerals) { return; }
      var context = chart.ctx;
      var size = wall ? 15 : 11;
      context.save();
      context.font = '700 ' + size + 'px sans-serif';
      context.textBaseline = 'middle';
      context.fillStyle = '#111';
      chart.getDatasetMeta(0).data.forEach(function (bar, index) {
        if (numerals[index]) { context.fillText(numerals[index], bar.x + 4, bar.y); }
      });
      context.restore();
    }
  };

  // A ranked horizontal bar chart coloured by band; the band name is in the tooltip and the tiles.
  function barChart(canvas, data) {
    var box = canvas.parentElement;
    var rowHeight = 18;
    if (box) { box.style.height = Math.max(240, data.labels.length * rowHeight + 40) + 'px'; }
    // On a phone the names are shortened more, so the bars keep room.
    var characters = window.innerWidth < 600 ? 8 : LABEL_CHARACTERS;
    var tickSize = wall ? 14 : 11;
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
        bandNumerals: data.numerals,
        layout: { padding: { right: wall ? 22 : 16 } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { afterLabel: function (context) { return data.bandNames[context.dataIndex]; } } }
        },
        scales: {
          x: { beginAtZero: true, ticks: { font: { size: tickSize } } },
          // Long project names would push the axis off the canvas and lose their start: shorten
          // them at the end (the tooltip and the data table keep the full name).
          y: { ticks: { autoSkip: false, font: { size: tickSize }, callback: function (value) { return shortLabel(this.getLabelForValue(value), characters); } } }
        }
      },
      plugins: [bandNumbers]
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
      options: {
        responsive: true,
        maintainAspectRatio: !wall,
        animation: false,
        plugins: { legend: { position: 'bottom', labels: { font: { size: wall ? 16 : 12 } } } }
      }
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
  // 大屏: reload the figures in place every few minutes (a new report, newly approved records).
  // The page is fetched again and its cockpit swapped in; a session that has ended reloads the
  // whole page, which then shows the login form. Without JavaScript a <noscript> refresh does it.
  window.cockpitRefresh = function () {
    var current = document.getElementById('district-cockpit');
    return fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(new Error(String(response.status))); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('district-cockpit');
        if (!fresh || !current) { window.location.reload(); return; }
        current.querySelectorAll('canvas').forEach(function (canvas) {
          var chart = window.Chart && window.Chart.getChart(canvas);
          if (chart) { chart.destroy(); }
        });
        current.replaceWith(fresh);
        draw(document);
      })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  };
  function scheduleRefresh() {
    var source = document.querySelector('[data-refresh-seconds]');
    var seconds = source ? Number(source.getAttribute('data-refresh-seconds')) : 0;
    if (seconds >= 30) { window.setInterval(window.cockpitRefresh, seconds * 1000); }
  }
  function start() { draw(document); }
  scheduleRefresh();
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
  window.addEventListener('load', start);
})();
