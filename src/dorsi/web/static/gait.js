// Walking videos: poll the analysis status instead of reloading the whole page, and check the
// file size before a long upload. The pages work without this script (they refresh themselves
// and the server checks the size), so this only makes them smoother.
(function () {
  "use strict";
  // Words come from the page, already in the reader's language (data-word-*); English if absent.
  function word(element, name, english) {
    return element.getAttribute("data-word-" + name) || english;
  }

  var progress = document.getElementById("gait-progress");
  if (progress && progress.dataset.statusUrl) {
    // The page's own meta refresh would reload it; with JavaScript we poll instead.
    var refresh = document.querySelector('meta[http-equiv="refresh"]');
    if (refresh) { refresh.parentNode.removeChild(refresh); }
    var url = progress.dataset.statusUrl;
    var started = Date.now();
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) {
          if (status && status.status !== "queued" && status.status !== "running") {
            window.location.reload();
            return;
          }
          var seconds = Math.round((Date.now() - started) / 1000);
          var line = progress.querySelector(".gait-waited");
          if (!line) {
            line = document.createElement("p");
            line.className = "gait-waited";
            progress.appendChild(line);
          }
          line.textContent = (status && status.status === "running" ?
            word(progress, "measuring", "Measuring") : word(progress, "waiting", "Waiting")) +
            "… " + seconds + " " + word(progress, "seconds", "seconds on this page.");
          window.setTimeout(poll, 3000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    window.setTimeout(poll, 2000);
  }

  var form = document.getElementById("gait-upload");
  if (form) {
    form.addEventListener("submit", function (event) {
      var input = form.querySelector('input[type="file"]');
      var limit = parseInt(form.dataset.maxBytes || "0", 10);
      if (input && input.files && input.files[0] && limit && input.files[0].size > limit) {
        event.preventDefault();
        window.alert(word(form, "too-large", "This video is too large. Please film a " +
          "shorter walk (up to " + Math.round(limit / 1000000) + " MB)."));
        return;
      }
      var button = form.querySelector('button[type="submit"]');
      if (button) {
        button.disabled = true;
        button.textContent = word(form, "sending", "Sending… please wait");
      }
    });
  }
})();
