// Confirmation before destructive form posts: <form data-confirm="Question?">. Replaces inline
// onsubmit handlers, which the Content-Security-Policy forbids (docs/architecture.md).
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
