// Content pages: upload progress, readable errors for htmx forms, tag suggestions, share-link copy.
(function () {
  // Forms marked data-swap-errors show their 4xx answer (the form with its errors) in place; a
  // rate-limit answer is no form, so it is left to the error toast (feedback.js).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    var status = event.detail.xhr.status;
    if (form && form.closest("[data-swap-errors]") && status >= 400 && status < 500 && status !== 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Upload progress for forms marked data-upload-progress.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest("[data-upload-progress]");
    if (!form || !event.detail.lengthComputable) return;
    var bar = form.querySelector(".upload-progress");
    if (!bar) return;
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    var working = form.querySelector(".working");
    if (working && bar.value >= 100) working.hidden = false;
  });

  // Tag fields hold comma-separated names: suggest completions for the name being typed.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[list='tag-suggestions']")) return;
    var list = document.getElementById("tag-suggestions");
    if (!list) return;
    if (!list.dataset.names) {
      list.dataset.names = JSON.stringify(Array.prototype.map.call(list.options, function (o) { return o.value; }));
    }
    var names = JSON.parse(list.dataset.names);
    var cut = input.value.lastIndexOf(",");
    var head = cut >= 0 ? input.value.slice(0, cut + 1) + " " : "";
    var typed = input.value.slice(cut + 1).trim().toLowerCase();
    list.innerHTML = "";
    names.filter(function (name) { return name.toLowerCase().indexOf(typed) === 0; }).slice(0, 20)
      .forEach(function (name) {
        var option = document.createElement("option");
        option.value = head + name;
        list.appendChild(option);
      });
  });

  // A freshly created share link is selected, ready to copy.
  function selectNew(root) {
    var input = (root || document).querySelector("[data-autoselect]");
    if (input) { input.focus(); input.select(); }
  }
  document.addEventListener("htmx:afterSwap", function (event) { selectNew(event.target); });
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("share-url")) event.target.select();
  });

  // Task lists in a note: ticking a box sets that item in the note's source (the server answers
  // with the re-rendered note). Boxes in the live preview are only a picture of the note.
  document.addEventListener("click", function (event) {
    var box = event.target.closest && event.target.closest(".markdown input.task-box");
    if (box && !box.closest("[data-task-url]")) event.preventDefault();
  });
  document.addEventListener("change", function (event) {
    var box = event.target;
    var body = box.matches && box.matches("input.task-box") && box.closest("[data-task-url]");
    if (!body || !window.htmx) return;
    htmx.ajax("POST", body.dataset.taskUrl, {
      source: body,
      target: body,
      swap: "outerHTML",
      values: { index: box.dataset.task, done: box.checked ? "1" : "0" },
    });
  });
})();
