// Light/dark theme: follows the system unless the user picked one (kept in localStorage).
(function () {
  var saved = localStorage.getItem("trackeep-theme");
  if (saved) document.documentElement.dataset.theme = saved;
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-theme-toggle]")) return;
    var root = document.documentElement;
    var dark = root.dataset.theme === "dark" ||
      (root.dataset.theme === "auto" && matchMedia("(prefers-color-scheme: dark)").matches);
    root.dataset.theme = dark ? "light" : "dark";
    localStorage.setItem("trackeep-theme", root.dataset.theme);
  });
})();
