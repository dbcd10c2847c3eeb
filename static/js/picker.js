/* Pickers: an <input data-picker="URL"> holding names or ids separated by spaces or commas gets a
   list of suggestions for the word being typed (URL?q=word answers {results: [{value, label}]}).
   Arrow keys move, Enter or a click picks (the word becomes the value), Escape closes. Without
   JavaScript the field takes typed names and ids as before. Labels are inserted as text. */
(function () {
  "use strict";

  var counter = 0;

  function lastWord(value) {
    var match = value.match(/[^\s,]*$/);
    return match ? match[0] : "";
  }

  function setup(input) {
    if (input.dataset.pickerReady) return;
    input.dataset.pickerReady = "1";
    var id = "picker-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var wrap = document.createElement("div");
    wrap.className = "picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");
    var active = -1;
    var timer = null;
    var asked = "";

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (node, n) { node.setAttribute("aria-selected", n === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
    }

    function choose(value) {
      var word = lastWord(input.value);
      input.value = input.value.slice(0, input.value.length - word.length) + value + " ";
      close();
      input.focus();
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (row, n) {
        var item = document.createElement("li");
        item.id = id + "-" + n;
        item.setAttribute("role", "option");
        item.dataset.value = row.value;
        item.textContent = row.label;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(row.value); });
        list.appendChild(item);
      });
      list.hidden = !results.length;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
    }

    function ask() {
      var word = lastWord(input.value);
      if (!word) { close(); return; }
      asked = word;
      fetch(input.dataset.picker + "?q=" + encodeURIComponent(word), {
        credentials: "same-origin", headers: { Accept: "application/json" },
      })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (asked === lastWord(input.value)) show(data.results || []); })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(options()[active].dataset.value);
      } else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function init(root) { (root || document).querySelectorAll("input[data-picker]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
