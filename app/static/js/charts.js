// Charts of the instructor pages (Chart.js), drawn from the JSON data blocks the templates
// write; kept in a file so that the Content-Security-Policy can forbid inline script.
// - gradebook: <canvas id="histogram"> with #histogram-data (bins by exam id and "weighted"),
//   #histogram-select choosing the series, #chart-text holding the translated labels, and a
//   small chart per exam (canvas.mini-histogram[data-series]) from the same bins;
// - exam statistics: #histogram-chart and #scatter-chart with #chart-data and #chart-text.
(function () {
  "use strict";

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function fmt(n) { return Math.round(n * 10) / 10; }

  function binLabel(b) {
    return b.upper - b.lower === 1 ? String(fmt(b.lower)) : fmt(b.lower) + "–" + fmt(b.upper);
  }

  function barOptions() {
    return {maintainAspectRatio: false, plugins: {legend: {display: false}},
            scales: {y: {beginAtZero: true, ticks: {precision: 0}}}};
  }

  function gradebook(text) {
    var canvas = document.getElementById("histogram");
    var data = json("histogram-data");
    var select = document.getElementById("histogram-select");
    if (!canvas || !data) return;
    function series(key) {
      var bins = data[key] || [];
      return {labels: bins.map(binLabel), counts: bins.map(function (b) { return b.count; })};
    }
    var first = series("weighted");
    var chart = new Chart(canvas, {
      type: "bar",
      data: {labels: first.labels, datasets: [{label: text.count, data: first.counts, backgroundColor: "#0d6efd"}]},
      options: barOptions()
    });
    Array.prototype.forEach.call(document.querySelectorAll("canvas.mini-histogram"), function (mini) {
      var s = series(mini.getAttribute("data-series"));
      var options = barOptions();
      options.scales = {x: {display: false}, y: {display: false, beginAtZero: true}};
      options.animation = false;
      new Chart(mini, {type: "bar", data: {labels: s.labels, datasets: [{label: text.count, data: s.counts,
                                                                            backgroundColor: "#6ea8fe"}]},
                       options: options});
    });
    if (select) {
      select.addEventListener("change", function () {
        var s = series(select.value);
        chart.data.labels = s.labels;
        chart.data.datasets[0].data = s.counts;
        chart.update();
      });
    }
  }

  function statistics(text) {
    var data = json("chart-data");
    var histogram = document.getElementById("histogram-chart");
    var scatter = document.getElementById("scatter-chart");
    if (!data) return;
    if (histogram) {
      new Chart(histogram, {
        type: "bar",
        data: {labels: data.histogram.map(binLabel),
               datasets: [{label: text.count, data: data.histogram.map(function (b) { return b.count; }),
                           backgroundColor: "#0d6efd"}]},
        options: barOptions()
      });
    }
    if (scatter) {
      new Chart(scatter, {
        type: "scatter",
        data: {datasets: [{data: data.scatter,
                           backgroundColor: data.scatter.map(function (p) { return p.y < 0 ? "#dc3545" : "#0d6efd"; }),
                           pointRadius: 5}]},
        options: {maintainAspectRatio: false, plugins: {legend: {display: false},
                  tooltip: {callbacks: {label: function (c) { var p = c.raw; return p.id + ":" + p.x.toFixed(2) + ", " + p.y.toFixed(2); }}}},
                  scales: {x: {min: 0, max: 1, title: {display: true, text: text.facility}},
                           y: {min: -1, max: 1, title: {display: true, text: text.discrimination}}}}
      });
    }
  }

  if (typeof Chart === "undefined") return;
  var text = json("chart-text") || {};
  gradebook(text);
  statistics(text);
})();
