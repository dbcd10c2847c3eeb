/* Marketplace and community pages.
   - Forms marked data-confirm ask before submitting (leave a challenge, delete a review).
   - An open challenge page (#board[data-tk-challenge]) keeps a WebSocket to /ws/challenges/<id>/,
     reconnecting with exponential backoff. On "leaderboard.updated" (and after every reconnect,
     to catch up on what was missed) it reloads the board over HTTP: the board shows the reader's
     own rank, so it is rendered per reader. Reloads are coalesced to one per 300 ms. */
(function () {
  "use strict";

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });

  var board = document.querySelector("[data-tk-challenge]");
  if (!board || !("WebSocket" in window)) return;
  var challengeId = board.dataset.tkChallenge;
  var boardUrl = board.dataset.tkBoardUrl;
  var MAX_BACKOFF_MS = 30000;
  var attempt = 0;
  var opened = false;
  var pending = null;

  function reload() {
    pending = null;
    fetch(boardUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        board.innerHTML = html;
        document.documentElement.dataset.tkBoardReloads = String(Number(document.documentElement.dataset.tkBoardReloads || 0) + 1);
      })
      .catch(function () {});
  }

  function scheduleReload() {
    if (!pending) pending = setTimeout(reload, 300);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/challenges/" + challengeId + "/");
    socket.onopen = function () {
      document.documentElement.dataset.tkChallengeSocket = "open";
      if (opened) scheduleReload();  // a reconnect: changes may have been missed
      opened = true;
      attempt = 0;
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (err) { return; }
      if (event.type === "leaderboard.updated") scheduleReload();
    };
    socket.onclose = function (e) {
      document.documentElement.dataset.tkChallengeSocket = "closed";
      if (e.code === 4401 || e.code === 4404) return;  // signed out, or no such challenge
      var delay = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, attempt++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  }

  connect();
})();
