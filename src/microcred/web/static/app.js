// microcred: small progressive enhancements.  Every page works without this file.
"use strict";
(function () {
  // Focus the error summary so screen readers announce what went wrong.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // Buttons marked data-confirm ask before sending their form.
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Live badge preview on the achievement form: the server draws the badge.
  var preview = document.querySelector("[data-badge-preview]");
  if (preview) {
    var form = preview.closest("form");
    var update = function () {
      var data = new FormData(form);
      var params = new URLSearchParams();
      ["name", "badge_colour", "badge_icon"].forEach(function (key) {
        params.set(key, String(data.get(key) || ""));
      });
      preview.src = preview.getAttribute("data-badge-preview") + "?" + params.toString();
    };
    var timer = null;
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
  }

  // Copy buttons (embed snippet, links).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.value || source.textContent || "");
        button.textContent = button.getAttribute("data-copied") || "Copied";
      }
    });
  });

  // The verifier's file card takes a dropped file and sends it at once.
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var hint = zone.querySelector(".drop-hint");
    if (!input) { return; }
    if (hint) { hint.hidden = false; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        zone.requestSubmit();
      }
    });
  });

  // Pages that follow a background job reload themselves until it is finished.
  var follow = document.querySelector("[data-refresh-seconds]");
  if (follow) {
    var seconds = Number(follow.getAttribute("data-refresh-seconds")) || 2;
    setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
