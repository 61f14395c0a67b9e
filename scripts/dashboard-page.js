// Browser side of scripts/render-dashboard.ts: draws each panel of the data
// in #dashboard-data with Chart.js (inlined before this script), then sets
// window.dashboardDrawn so the screenshot waits for every chart.
(() => {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  // Grafana's classic palette, so the rendering reads like the dashboard.
  const COLORS = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9"];
  const STAT_COLORS = { green: "#37872d", red: "#c4162a", orange: "#fa6400", blue: "#1f60c4" };

  function format(unit, value, decimals) {
    if (value === null || Number.isNaN(value)) return "No data";
    if (unit === "percentunit") return `${(value * 100).toFixed(decimals ?? 1)}%`;
    const fixed = decimals ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 1 : 3);
    const text = Number(value.toFixed(fixed)).toLocaleString("en-US");
    if (unit === "ops") return `${text}/s`;
    if (unit === "s") return `${text} s`;
    return text;
  }

  Chart.defaults.color = "#ccccdc";
  Chart.defaults.borderColor = "rgba(204, 204, 220, 0.12)";
  Chart.defaults.font.size = 11;
  Chart.defaults.animation = false;

  for (const panel of data.panels) {
    const body = document.querySelector(`[data-panel="${panel.id}"] .body`);
    if (panel.type === "stat") {
      body.classList.add("stat");
      body.style.background = STAT_COLORS[panel.stat.color] ?? panel.stat.color;
      body.textContent = format(panel.unit, panel.stat.value, panel.decimals);
      continue;
    }
    if (panel.datasets.length === 0) {
      body.classList.add("empty");
      body.textContent = "No data";
      continue;
    }
    const canvas = document.createElement("canvas");
    body.append(canvas);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: panel.datasets.map((set, i) => ({
          label: set.label,
          data: set.data,
          borderColor: COLORS[i % COLORS.length],
          backgroundColor: `${COLORS[i % COLORS.length]}22`,
          fill: true,
          pointRadius: 0,
          borderWidth: 1.5,
          spanGaps: false,
        })),
      },
      options: {
        maintainAspectRatio: false,
        plugins: {
          legend: {
            position: "bottom",
            labels: { boxWidth: 10, boxHeight: 2, padding: 6, font: { size: 10 } },
          },
        },
        scales: {
          x: { ticks: { maxTicksLimit: 6, maxRotation: 0 } },
          y: {
            beginAtZero: true,
            ticks: { maxTicksLimit: 5, callback: (v) => format(panel.unit, v, undefined) },
          },
        },
      },
    });
  }
  window.dashboardDrawn = true;
})();
