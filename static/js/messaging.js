/* Trackeep live messaging: one WebSocket per tab (/ws/messages/), reconnecting with exponential
   backoff. Every page without it still works: links and forms post normally. With it:
   - the header bell and the Messages badge update live on every page: each page's socket listens to
     the user's recent conversations ({all: true}) and to each new one it is told about;
   - the inbox updates last messages and unread badges, and shows new conversations as they come;
   - a conversation page joins its conversation with ?after=<last id seen>, so a reconnect replays
     exactly what was missed (a "resync" event from the server does the same without a reconnect,
     and both recount the badges); the composer posts over HTTP (rate limited like every request) and
     messages, edits, deletions, reactions and typing appear without reloading; older messages load
     when the top of the history scrolls into view.
   Message text is only ever inserted with textContent. */
(function () {
  "use strict";

  var bell = document.querySelector("[data-tk-bell]");
  if (!bell || !("WebSocket" in window)) return;
  var me = Number(bell.dataset.tkUser);
  var countsUrl = bell.dataset.tkCounts;
  var conv = document.querySelector("[data-tk-conversation]");
  var inbox = document.querySelector("[data-tk-inbox]");
  var cid = conv ? Number(conv.dataset.tkConversation) : null;
  var live = !!conv && conv.dataset.tkLive === "1";
  var base = conv ? conv.dataset.tkBase : "";
  var canManage = !!conv && conv.dataset.tkCanManage === "1";
  var archived = !!conv && conv.dataset.tkArchived === "1";
  var lastId = conv ? Number(conv.dataset.tkLastId || 0) : 0;
  var list = conv ? conv.querySelector("[data-tk-messages]") : null;
  var history = conv ? conv.querySelector("[data-tk-history]") : null;
  var statusLine = conv ? conv.querySelector("[data-tk-status]") : null;
  var QUICK = ["👍", "❤️", "😂", "🎉", "😮", "😢"];
  var MAX_BACKOFF_MS = 30000;
  var socket = null;
  var attempt = 0;
  var opened = false;
  var stopped = false;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(text) {
    if (!statusLine) return;
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  /* --- header badges ---------------------------------------------------------------------- */

  function setBadge(node, n) {
    if (!node) return;
    n = Math.max(0, n | 0);
    node.textContent = String(n);
    node.hidden = n === 0;
  }

  function setBell(n) {
    setBadge(bell.querySelector("[data-tk-bell-count]"), n);
    bell.setAttribute("aria-label", n > 0 ? "Notifications, " + n + " unread" : "Notifications");
  }

  function badgeValue(node) { return node ? Number(node.textContent) || 0 : 0; }

  function bumpTotal(delta) {
    var node = document.querySelector("[data-tk-unread-total]");
    setBadge(node, badgeValue(node) + delta);
  }

  /* reconcile: after a reconnect or a resync, Redis may have missed updates; the server recounts. */
  function refreshCounts(reconcile) {
    var url = countsUrl + (reconcile ? "?reconcile=1" : "");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        setBell(data.notifications);
        setBadge(document.querySelector("[data-tk-unread-total]"), data.messages);
        if (inbox) {
          inbox.querySelectorAll("[data-tk-row]").forEach(function (row) {
            setBadge(row.querySelector("[data-tk-unread]"), data.conversations[row.dataset.tkRow] || 0);
          });
        }
      })
      .catch(function () {});
  }

  /* --- rendering messages (mirrors templates/messaging/_message.html) --------------------- */

  function postForm(action, fields, confirmText) {
    var form = el("form", "inline-form");
    form.method = "post";
    form.action = action;
    form.setAttribute("data-tk-async", "");
    if (confirmText) form.dataset.tkConfirm = confirmText;
    var token = el("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = csrfToken();
    form.appendChild(token);
    Object.keys(fields || {}).forEach(function (name) {
      var input = el("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    return form;
  }

  function reactionButton(emoji, label, mine) {
    var button = el("button", "tk-chip" + (mine ? " mine" : ""), label);
    button.type = "submit";
    button.name = "emoji";
    button.value = emoji;
    if (mine !== undefined) button.setAttribute("aria-pressed", mine ? "true" : "false");
    return button;
  }

  function renderReactions(messageId, reactions) {
    var item = document.getElementById("m-" + messageId);
    var box = item && item.querySelector("[data-tk-reactions]");
    if (!box) return;
    box.textContent = "";
    (reactions || []).forEach(function (r) {
      var form = postForm(base + "m/" + messageId + "/react/");
      form.appendChild(reactionButton(r.emoji, r.emoji + " " + r.count, r.user_ids.indexOf(me) !== -1));
      box.appendChild(form);
    });
  }

  function renderCards(item, cards) {
    var old = item.querySelector(".tk-cards");
    if (old) old.remove();
    if (!cards || !cards.length) return;
    var ul = el("ul", "tk-cards");
    cards.forEach(function (card) {
      var li = el("li", "card tk-card");
      li.appendChild(el("span", "badge", card.kind));
      li.appendChild(document.createTextNode(" "));
      var link = el("a", "", card.title || "Untitled");
      link.href = card.url;
      li.appendChild(link);
      if (card.summary) {
        li.appendChild(el("br"));
        li.appendChild(el("span", "muted", card.summary.slice(0, 140)));
      }
      ul.appendChild(li);
    });
    item.querySelector("[data-tk-body]").after(ul);
  }

  function loadCards(item, d) {
    if (d.cards) { renderCards(item, d.cards); return; }
    if (!d.references || !d.references.length) return;
    fetch(base + "m/" + d.id + "/", { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (full) { if (full) renderCards(item, full.cards); })
      .catch(function () {});
  }

  function renderMessage(d) {
    var mine = !!d.sender && d.sender.id === me;
    var item = el("li", "tk-message" + (mine ? " mine" : "") + (d.deleted ? " deleted" : ""));
    item.id = "m-" + d.id;
    item.dataset.id = d.id;
    var meta = el("div", "tk-meta");
    meta.appendChild(el("strong", "", d.sender ? d.sender.username : "Deleted user"));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(window.trackeepTime.element(d.created_at));  // the pages' one format (time.js)
    meta.appendChild(document.createTextNode(" "));
    var edited = el("span", "muted", "(edited)");
    edited.setAttribute("data-tk-edited", "");
    edited.hidden = !d.edited_at || d.deleted;
    meta.appendChild(edited);
    item.appendChild(meta);
    if (d.reply_to && !d.deleted) {
      var quote = el("blockquote", "tk-reply");
      var link = el("a", "", "↩ " + (d.reply_to.sender ? d.reply_to.sender.username : "Deleted user") + ": " +
        (d.reply_to.excerpt || "(deleted)"));
      link.href = base + "?before=" + (d.reply_to.id + 1) + "#m-" + d.reply_to.id;
      quote.appendChild(link);
      item.appendChild(quote);
    }
    var body = el("div", "tk-body");
    body.setAttribute("data-tk-body", "");
    item.appendChild(body);
    fillBody(item, d);
    if (!d.deleted) {
      var reactions = el("div", "tk-reactions");
      reactions.setAttribute("data-tk-reactions", "");
      item.appendChild(reactions);
      if (!archived) item.appendChild(renderTools(d, mine));
    }
    return item;
  }

  function fillBody(item, d) {
    var body = item.querySelector("[data-tk-body]");
    body.textContent = "";
    if (d.deleted) body.appendChild(el("em", "muted", "This message was deleted."));
    else body.textContent = d.body;
  }

  function renderTools(d, mine) {
    var tools = el("div", "tk-tools");
    var reply = el("a", "", "Reply");
    reply.href = base + "?reply_to=" + d.id + "#composer";
    tools.appendChild(reply);
    var react = el("details", "tk-react");
    react.appendChild(el("summary", "", "React"));
    var form = postForm(base + "m/" + d.id + "/react/");
    form.className = "";
    QUICK.forEach(function (emoji) {
      var button = reactionButton(emoji, emoji);
      button.setAttribute("aria-label", "React with " + emoji);
      form.appendChild(button);
    });
    react.appendChild(form);
    tools.appendChild(react);
    if (mine) {
      var edit = el("a", "", "Edit");
      edit.href = base + "m/" + d.id + "/edit/";
      tools.appendChild(edit);
    }
    if (mine || canManage) {
      var del = postForm(base + "m/" + d.id + "/delete/", {}, "Delete this message for everyone?");
      var button = el("button", "linklike", "Delete");
      button.type = "submit";
      del.appendChild(button);
      tools.appendChild(del);
    }
    return tools;
  }

  function nearBottom() {
    return !history || history.scrollHeight - history.scrollTop - history.clientHeight < 120;
  }

  function scrollToBottom() { if (history) history.scrollTop = history.scrollHeight; }

  function appendMessage(d) {
    if (!list || document.getElementById("m-" + d.id)) return false;
    var stick = nearBottom() || (d.sender && d.sender.id === me);
    var empty = list.querySelector("[data-tk-empty]");
    if (empty) empty.remove();
    var item = renderMessage(d);
    list.appendChild(item);
    renderReactions(d.id, d.reactions);
    loadCards(item, d);
    lastId = Math.max(lastId, d.id);
    if (stick) scrollToBottom();
    return true;
  }

  /* --- read markers and typing ------------------------------------------------------------ */

  var readTimer = null;
  function scheduleRead() {
    if (readTimer) return;
    readTimer = setTimeout(function () {
      readTimer = null;
      if (document.visibilityState === "visible" && lastId) {
        send({ type: "read", conversation_id: cid, data: { message_id: lastId } });
      }
    }, 800);
  }

  var typists = {};
  var typingLine = conv ? conv.querySelector("[data-tk-typing]") : null;
  function showTyping() {
    if (!typingLine) return;
    var names = Object.keys(typists).map(function (id) { return typists[id].name; });
    typingLine.textContent = names.length === 0 ? "" :
      names.length === 1 ? names[0] + " is typing…" :
      names.slice(0, -1).join(", ") + " and " + names[names.length - 1] + " are typing…";
  }
  function typing(user, started) {
    if (typists[user.id]) clearTimeout(typists[user.id].timer);
    delete typists[user.id];
    if (started) {
      typists[user.id] = {
        name: user.username,
        timer: setTimeout(function () { delete typists[user.id]; showTyping(); }, 6000),
      };
    }
    showTyping();
  }

  /* --- events ----------------------------------------------------------------------------- */

  function inboxRow(conversationId) {
    return inbox ? inbox.querySelector('[data-tk-row="' + conversationId + '"]') : null;
  }

  function insertRow(conversationId) {
    if (!inbox || inbox.dataset.tkFirstPage !== "1" || inboxRow(conversationId)) return;
    var url = inbox.dataset.tkRowUrl.replace("/0/", "/" + conversationId + "/");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html || inboxRow(conversationId)) return;
        var template = document.createElement("template");
        template.innerHTML = html.trim();  // server-rendered and escaped by Django's templates
        var row = template.content.firstElementChild;
        if (row) { inbox.prepend(row); window.trackeepTime.apply(row); }
      })
      .catch(function () {});
  }

  function onMessageCreated(conversationId, d) {
    var mine = !!d.sender && d.sender.id === me;
    if (live && conversationId === cid) {
      if (!appendMessage(d)) return;
      if (d.sender) typing(d.sender, false);
      if (!mine) {
        if (document.visibilityState === "visible") scheduleRead();
        else bumpTotal(1);
      }
      return;
    }
    var row = inboxRow(conversationId);
    if (!row) insertRow(conversationId);
    if (row) {
      var last = row.querySelector("[data-tk-last]");
      last.textContent = "";
      last.appendChild(el("strong", "", (d.sender ? d.sender.username : "Someone") + ":"));
      last.appendChild(document.createTextNode(" " + d.body.slice(0, 120) + " · "));
      last.appendChild(window.trackeepTime.element(d.created_at));
      if (!mine) {
        var badge = row.querySelector("[data-tk-unread]");
        setBadge(badge, badgeValue(badge) + 1);
        row.classList.add("unread");
      }
      row.parentNode.prepend(row);
    }
    if (!mine) bumpTotal(1);
  }

  function onRead(conversationId, d) {
    if (d.user_id !== undefined && d.user_id !== me) return;
    if (d.notifications_unread !== undefined) setBell(d.notifications_unread);
    if (d.unread !== undefined) {
      setBadge(inboxRow(conversationId) && inboxRow(conversationId).querySelector("[data-tk-unread]"), d.unread);
      refreshCounts();
    }
  }

  function onConversationUpdated(conversationId, d) {
    if (conversationId !== cid) {
      if (d.action === "added") {
        send({ type: "subscribe", data: { conversation_ids: [conversationId] } });
        insertRow(conversationId);
      }
      return;
    }
    if (d.action === "renamed") {
      var title = conv.querySelector("[data-tk-title]");
      if (title && d.name) title.textContent = d.name;
    } else if (d.action === "removed") {
      setStatus("You are no longer a member of this conversation.");
      var composer = conv.querySelector("[data-tk-composer]");
      if (composer) composer.remove();
    } else if (d.action === "archived" || d.action === "restored") {
      setStatus("This conversation was " + d.action + ". Reload the page to see the change.");
    }
  }

  function handle(ev) {
    var d = ev.data || {};
    var here = live && ev.conversation_id === cid;
    switch (ev.type) {
      case "message.created": onMessageCreated(ev.conversation_id, d); break;
      case "message.updated":
        if (here && document.getElementById("m-" + d.id)) {
          var item = document.getElementById("m-" + d.id);
          fillBody(item, d);
          item.querySelector("[data-tk-edited]").hidden = !d.edited_at;
        }
        break;
      case "message.deleted":
        if (here && document.getElementById("m-" + d.id)) {
          var gone = document.getElementById("m-" + d.id);
          gone.classList.add("deleted");
          fillBody(gone, { deleted: true });
          gone.querySelectorAll("[data-tk-reactions], .tk-tools, .tk-cards, .tk-reply").forEach(function (n) { n.remove(); });
        }
        break;
      case "reaction.added":
      case "reaction.removed":
        if (here) renderReactions(d.message_id, d.reactions);
        break;
      case "typing.started":
      case "typing.stopped":
        if (here && d.user && d.user.id !== me) typing(d.user, ev.type === "typing.started");
        break;
      case "read.updated": onRead(ev.conversation_id, d); break;
      case "notification.created":
        setBell(badgeValue(bell.querySelector("[data-tk-bell-count]")) + 1);
        break;
      case "conversation.updated": onConversationUpdated(ev.conversation_id, d); break;
      case "sync.complete":
        if (d.has_more) send({ type: "sync", conversation_id: cid, data: { after: d.last_id } });
        else if (live) scheduleRead();
        break;
      case "resync":  // the server's channel layer lost or missed events: catch up from the database
        if (live) send({ type: "sync", conversation_id: cid, data: { after: lastId } });
        refreshCounts(true);
        break;
      case "error": if (window.console) console.warn("messaging:", d.code, d.detail); break;
    }
  }

  /* --- the socket ------------------------------------------------------------------------- */

  function socketUrl() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var path = live ? "/ws/messages/" + cid + "/?after=" + lastId : "/ws/messages/";
    return scheme + location.host + path;
  }

  function connect() {
    if (stopped) return;
    socket = new WebSocket(socketUrl());
    socket.addEventListener("open", function () {
      document.documentElement.dataset.tkSocket = "open";
      attempt = 0;
      setStatus("");
      send({ type: "subscribe", data: { all: true } });  // new messages anywhere reach the badge
      if (inbox) {
        var ids = Array.prototype.map.call(inbox.querySelectorAll("[data-tk-row]"), function (row) {
          return Number(row.dataset.tkRow);
        });
        send({ type: "subscribe", data: { conversation_ids: ids } });
      }
      if (opened) refreshCounts(true);  // events may have been missed while disconnected
      opened = true;
    });
    socket.addEventListener("message", function (e) {
      var ev;
      try { ev = JSON.parse(e.data); } catch (err) { return; }
      handle(ev);
    });
    socket.addEventListener("close", function (e) {
      document.documentElement.dataset.tkSocket = "closed";
      socket = null;
      if (e.code === 4401) {
        stopped = true;
        setStatus("You were signed out. Reload the page to sign in again.");
        return;
      }
      if (e.code === 4404) { stopped = true; return; }
      var delay = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, attempt));
      attempt += 1;
      delay = delay / 2 + Math.random() * delay / 2;  // jitter: tabs do not all return at once
      if (attempt > 1) setStatus("Connection lost. Reconnecting…");
      setTimeout(connect, delay);
    });
  }

  /* --- forms: composer, async actions, infinite scroll ------------------------------------ */

  function showErrors(form, data) {
    var box = form.querySelector("[data-tk-errors]");
    if (!box) {
      box = el("ul", "errorlist");
      box.setAttribute("data-tk-errors", "");
      form.prepend(box);
    }
    box.textContent = "";
    var messages = [];
    if (data && data.errors) {
      Object.keys(data.errors).forEach(function (field) {
        data.errors[field].forEach(function (error) { messages.push(error.message); });
      });
    } else if (data && data.detail) messages.push(data.detail);  // a 429: "Too many requests. Try again in…"
    else if (data && data.error) messages.push(data.error);
    else messages.push("Could not send. Check your connection and try again.");
    messages.forEach(function (text) { box.appendChild(el("li", "", text)); });
  }

  function postJson(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    });
  }

  var composer = conv ? conv.querySelector("[data-tk-composer]") : null;
  var typingSentAt = 0;
  var typingStopTimer = null;

  function stopTyping() {
    if (typingSentAt) send({ type: "typing.stopped", conversation_id: cid });
    typingSentAt = 0;
  }

  if (composer && live) {
    var textarea = composer.querySelector("textarea");
    composer.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = composer.querySelector("button[type=submit]");
      button.disabled = true;
      stopTyping();
      postJson(composer)
        .then(function (r) {
          return r.json().then(function (data) { return { ok: r.ok, data: data }; });
        })
        .then(function (result) {
          if (!result.ok) { showErrors(composer, result.data); return; }
          var errors = composer.querySelector("[data-tk-errors]");
          if (errors) errors.remove();
          textarea.value = "";
          var replyField = composer.querySelector("input[name=reply_to]");
          if (replyField) replyField.value = "";
          var replying = composer.querySelector("[data-tk-replying]");
          if (replying) replying.remove();
          var refs = composer.querySelector("input[name=refs]");
          if (refs) refs.value = "";
          appendMessage(result.data);
          scrollToBottom();
        })
        .catch(function () { showErrors(composer, null); })
        .finally(function () { button.disabled = false; textarea.focus(); });
    });
    textarea.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        composer.requestSubmit();
      }
    });
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (now - typingSentAt > 3000) {
        send({ type: "typing.started", conversation_id: cid });
        typingSentAt = now;
      }
      clearTimeout(typingStopTimer);
      typingStopTimer = setTimeout(stopTyping, 4000);
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-tk-async")) return;
    if (form.dataset.tkConfirm && !window.confirm(form.dataset.tkConfirm)) { e.preventDefault(); return; }
    if (!live) return;  // the plain post and redirect work everywhere
    e.preventDefault();
    var details = form.closest("details");
    postJson(form, e.submitter)
      .then(function (r) {
        if (!r.ok) return r.json().then(function (data) { setStatus(data.detail || data.error || "That did not work."); });
        if (details) details.open = false;
        // The change arrives as a socket event; without a socket, show it the plain way.
        if (!socket || socket.readyState !== WebSocket.OPEN) location.reload();
      })
      .catch(function () { setStatus("That did not work. Check your connection."); });
  });

  var older = history ? history.querySelector("[data-tk-older]") : null;
  var loadingOlder = false;
  function loadOlder() {
    if (!older || loadingOlder) return;
    loadingOlder = true;
    fetch(base + "history/?before=" + older.dataset.before, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;  // server-rendered and escaped by Django's templates
        var fragment = template.content.querySelector("[data-tk-fragment]");
        var height = history.scrollHeight;
        var items = fragment.querySelectorAll("li.tk-message");
        var first = list.firstChild;
        items.forEach(function (item) {
          if (!document.getElementById(item.id)) list.insertBefore(item, first);
        });
        history.scrollTop += history.scrollHeight - height;
        if (fragment.dataset.hasMore === "1" && fragment.dataset.firstId) {
          older.dataset.before = fragment.dataset.firstId;
          older.href = "?before=" + fragment.dataset.firstId;
        } else {
          older.parentNode.remove();
          older = null;
        }
      })
      .catch(function () {})
      .finally(function () { loadingOlder = false; });
  }

  if (older && live) {
    older.addEventListener("click", function (e) { e.preventDefault(); loadOlder(); });
    if ("IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) loadOlder();
      }, { root: history }).observe(older);
    }
  }

  if (history && !location.hash) scrollToBottom();
  else if (location.hash) {
    var target = document.getElementById(location.hash.slice(1));
    if (target) target.scrollIntoView({ block: "center" });
  }
  document.addEventListener("visibilitychange", function () {
    if (live && document.visibilityState === "visible") scheduleRead();
  });
  connect();
})();
