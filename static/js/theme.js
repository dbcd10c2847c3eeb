// Light/dark theme: follows the system unless the user picked one. The choice is kept under the
// key Django's admin uses ("theme": auto, light or dark), so the admin follows it and back.
(function () {
  var KEY = "theme";
  var saved = localStorage.getItem(KEY) || localStorage.getItem("trackeep-theme");  // the old key
  if (saved) document.documentElement.dataset.theme = saved;
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-theme-toggle]")) return;
    var root = document.documentElement;
    var dark = root.dataset.theme === "dark" ||
      (root.dataset.theme === "auto" && matchMedia("(prefers-color-scheme: dark)").matches);
    root.dataset.theme = dark ? "light" : "dark";
    localStorage.setItem(KEY, root.dataset.theme);
  });
})();
