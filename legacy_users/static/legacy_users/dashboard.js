// The dashboard's chart: hook calls per day (verified, failed, 503), 30 or 90 days.
(function () {
  "use strict";
  var source = document.getElementById("per-day-data");
  var canvas = document.getElementById("per-day-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var style = getComputedStyle(document.documentElement);
  function color(name, fallback) {
    return style.getPropertyValue(name).trim() || fallback;
  }
  function series(days) {
    var from = Math.max(0, data.labels.length - days);
    return {
      labels: data.labels.slice(from),
      datasets: [
        {label: "Verified", data: data.verified.slice(from), backgroundColor: color("--primary", "#79aec8")},
        {label: "Not verified", data: data.failed.slice(from), backgroundColor: color("--delete-button-bg", "#ba2121")},
        {label: "503 (Okta retried)", data: data.unavailable.slice(from), backgroundColor: "#e9a23b"}
      ]
    };
  }
  var chart = new Chart(canvas, {
    type: "bar",
    data: series(30),
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}},
      plugins: {legend: {position: "bottom"}}
    }
  });
  var range = document.getElementById("per-day-range");
  range.addEventListener("change", function () {
    chart.data = series(parseInt(range.value, 10));
    chart.update();
  });
})();
