// The page's small progressive layer: plan progress, drag-and-drop moves.
// Everything also works without it (forms post and the server answers with a page).
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // Progress of a plan job: poll its status until it is final, then reload.
  var job = document.getElementById("job");
  if (job && job.dataset.statusUrl) {
    var bar = document.getElementById("job-progress");
    var msg = document.getElementById("job-message");
    var tick = function () {
      fetch(job.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (bar) bar.value = s.progress;
          if (msg) msg.textContent = s.message;
          if (s.final) { window.location.reload(); } else { window.setTimeout(tick, 1000); }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    };
    window.setTimeout(tick, 800);
  }

  // Drag a lot onto a stop of any driver (before that stop), or onto a vehicle not used.
  var drivers = document.getElementById("drivers");
  if (!drivers) return;
  var dragged = null;
  drivers.addEventListener("dragstart", function (e) {
    var lot = e.target.closest && e.target.closest(".lot[data-lot]");
    if (!lot) return;
    dragged = lot.dataset.lot;
    e.dataTransfer.setData("text/plain", dragged);
    e.dataTransfer.effectAllowed = "move";
  });
  drivers.addEventListener("dragover", function (e) {
    var stop = e.target.closest && e.target.closest(".stop[data-vehicle]");
    if (!stop || !dragged) return;
    e.preventDefault();
    drivers.querySelectorAll(".drop-target").forEach(function (x) { x.classList.remove("drop-target"); });
    stop.classList.add("drop-target");
  });
  drivers.addEventListener("dragleave", function (e) {
    var stop = e.target.closest && e.target.closest(".stop");
    if (stop) stop.classList.remove("drop-target");
  });
  drivers.addEventListener("drop", function (e) {
    var stop = e.target.closest && e.target.closest(".stop[data-vehicle]");
    if (!stop) return;
    e.preventDefault();
    var lot = e.dataTransfer.getData("text/plain") || dragged;
    dragged = null;
    move(lot, stop.dataset.vehicle, stop.dataset.position || "");
  });
  drivers.addEventListener("dragend", function () { dragged = null; });

  function move(lot, vehicle, position) {
    // The same form the keyboard uses, so the server answers with the page and the checked change.
    var form = document.getElementById("move-form");
    form.querySelector('[name="lot"]').value = lot;
    form.querySelector('[name="vehicle"]').value = vehicle;
    form.querySelector('[name="position"]').value = position;
    form.querySelector('[name="csrf_token"]').value = csrf;
    form.submit();
  }
  window.plannerMove = move;
})();

// Re-plan form: a vehicle ticked broken is struck through in the list.
(function () {
  var table = document.getElementById("replan-fleet");
  if (!table) return;
  table.addEventListener("change", function (e) {
    var box = e.target;
    if (box.name === "unavailable") box.closest("tr").classList.toggle("broken", box.checked);
  });
})();
