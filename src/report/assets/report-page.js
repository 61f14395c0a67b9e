// Draws the report's charts from the JSON embedded in the page. Runs in the
// browser with Chart.js's UMD build inlined before it; no network is used.
(() => {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const Chart = window.Chart;
  const COLORS = { alert: "#d97706", step_up: "#2563eb", revoke: "#dc2626" };
  const PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2"];
  const charts = [];

  // Static pages are read and screenshotted: draw the final frame at once.
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = "system-ui, sans-serif";

  const pad = (n) => String(n).padStart(2, "0");
  const clock = (ms) => {
    const d = new Date(ms);
    const day = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    return `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  };
  const timeAxis = {
    type: "linear",
    ticks: { callback: (value) => clock(value), maxTicksLimit: 6 },
  };

  function draw(canvas, config) {
    charts.push(new Chart(canvas, config));
  }

  const timeline = data.timeline;
  draw(document.getElementById("decisions-over-time"), {
    type: "bar",
    data: {
      labels: timeline.starts.map(clock),
      datasets: data.actions.map((action) => ({
        label: action,
        data: timeline.counts[action],
        backgroundColor: COLORS[action],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });

  draw(document.getElementById("decisions-by-rule"), {
    type: "bar",
    data: {
      labels: data.byRule.map((rule) => rule.ruleId),
      datasets: data.actions.map((action) => ({
        label: action,
        data: data.byRule.map((rule) => rule.counts[action] || 0),
        backgroundColor: COLORS[action],
      })),
    },
    options: {
      indexAxis: "y",
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
    },
  });

  const storyCharts = {
    rate: (story) => ({
      type: "line",
      data: {
        datasets: [
          {
            label: "requests / min",
            data: story.minutes.map(([x, y]) => ({ x, y })),
            borderColor: PALETTE[0],
            backgroundColor: PALETTE[0],
            pointRadius: 1.5,
            stepped: true,
          },
        ],
      },
      options: { scales: { x: timeAxis, y: { beginAtZero: true } } },
    }),
    networks: (story) => {
      const labels = story.networks.map((n) =>
        `${n.network} ${n.asn === null ? "" : `AS${n.asn}`} ${n.country || ""}`.trim(),
      );
      return {
        type: "scatter",
        data: {
          datasets: story.networks.map((n, i) => ({
            label: labels[i],
            data: n.minutes.map((x) => ({ x, y: i })),
            backgroundColor: PALETTE[i % PALETTE.length],
            pointRadius: 3,
          })),
        },
        options: {
          plugins: { legend: { display: false } },
          scales: {
            x: timeAxis,
            y: {
              min: -0.5,
              max: story.networks.length - 0.5,
              // One tick per network, at its row, labelled with the network.
              afterBuildTicks: (axis) => {
                axis.ticks = labels.map((_, value) => ({ value }));
              },
              ticks: { autoSkip: false, callback: (value) => labels[value] ?? "" },
            },
          },
        },
      };
    },
    agents: (story) => ({
      type: "bar",
      data: {
        labels: story.userAgents.map((agent) => agent.family),
        datasets: [
          {
            label: "requests",
            data: story.userAgents.map((agent) => agent.requests),
            backgroundColor: PALETTE[2],
          },
        ],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    }),
  };

  for (const canvas of document.querySelectorAll("canvas[data-story]")) {
    const story = data.stories[Number(canvas.dataset.story)];
    draw(canvas, storyCharts[canvas.dataset.chart](story));
  }

  // The report test reads these to check that every chart was drawn.
  window.tokenwatchCharts = charts;
  document.body.dataset.charts = String(charts.length);
})();
