// Running timers count up every second ([data-tk-timer-start] holds the start as Unix seconds).
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    document.querySelectorAll("[data-tk-timer-start]").forEach(function (el) {
      var seconds = Math.max(0, Math.floor(Date.now() / 1000) - Number(el.dataset.tkTimerStart));
      el.textContent = Math.floor(seconds / 3600) + ":" + pad(Math.floor(seconds / 60) % 60) + ":" + pad(seconds % 60);
    });
  }
  setInterval(tick, 1000);
})();
