/* Project boards: drag a card within or between columns (SortableJS, pointer events, so touch and
   mouse alike); the drop posts the card's column and place to its move URL over htmx. Without
   JavaScript every card's "Move" form does the same. A failed move puts the page back as the server
   has it (and the error toast says why). */
(function () {
  "use strict";

  function place(card) {
    return Array.prototype.indexOf.call(
      card.parentNode.querySelectorAll(".board-card"), card
    );
  }

  function init() {
    var board = document.querySelector("[data-board]");
    if (!board || !window.Sortable || !window.htmx) return;
    board.classList.add("draggable");
    board.querySelectorAll("[data-board-column]").forEach(function (column) {
      window.Sortable.create(column, {
        group: "board",
        draggable: ".board-card",
        filter: "a, select, button, input, label",
        preventOnFilter: false,
        forceFallback: true,
        animation: 120,
        onEnd: function (event) {
          var card = event.item;
          var target = card.closest("[data-board-column]");
          var select = card.querySelector("select[name=status]");
          if (select) select.value = target.dataset.boardColumn;
          board.querySelectorAll("[data-board-column]").forEach(function (list) {
            var empty = list.querySelector("[data-board-empty]");
            if (empty) empty.hidden = !!list.querySelector(".board-card");
          });
          htmx.ajax("POST", card.dataset.moveUrl, {
            source: card,
            swap: "none",
            values: { status: target.dataset.boardColumn, position: String(place(card)) },
          }).then(function () { card.dataset.moved = "1"; });
        },
      });
    });
    document.addEventListener("htmx:responseError", function (event) {
      if (board.contains(event.detail.elt)) setTimeout(function () { location.reload(); }, 3000);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
