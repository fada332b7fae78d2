// Pareto chart of an ABC case review, drawn from the JSON the page embeds (#pareto-data).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("pareto-data");
  var canvas = document.getElementById("pareto-chart");
  if (!source || !canvas || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var pct = function (v) { return Math.round(v * 1000) / 10; };
  var curve = data.points.map(function (p) { return { x: pct(p.customer_share), y: pct(p.amount_share) }; });
  var datasets = [{
    label: data.line, data: curve, borderColor: "#0d6efd", backgroundColor: "#0d6efd",
    pointRadius: 2, tension: 0, showLine: true,
  }];
  (data.thresholds || []).forEach(function (t, i) {
    datasets.push({
      label: data.limit + " " + pct(t) + "%", data: [{ x: 0, y: pct(t) }, { x: 100, y: pct(t) }],
      borderColor: i === 0 ? "#198754" : "#fd7e14", borderDash: [6, 4], pointRadius: 0, showLine: true,
    });
  });
  new window.Chart(canvas, {
    type: "scatter",
    data: { datasets: datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { min: 0, max: 100, title: { display: true, text: data.x } },
        y: { min: 0, max: 100, title: { display: true, text: data.y } },
      },
    },
  });
});
