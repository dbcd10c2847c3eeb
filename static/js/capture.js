/* Capture pages: copy buttons (new token, instance address), "Close" after a bookmarklet save,
   the share page's service worker (scope /share/ only) and the offline share page. */
"use strict";
(() => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const source = document.querySelector(button.dataset.copy);
      if (!source) return;
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = "Copied";
      } catch {
        window.getSelection().selectAllChildren(source);
      }
    });
  }

  for (const button of document.querySelectorAll("[data-close-window]")) {
    button.hidden = !window.opener;
    button.addEventListener("click", () => window.close());
  }

  const panel = document.querySelector("[data-share-sw]");
  if (panel && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(panel.dataset.shareSw, { scope: panel.dataset.shareScope }).catch(() => {});
  }

  const offline = document.querySelector("[data-share-offline]");
  if (offline) {
    const params = new URLSearchParams(window.location.search);
    const shared = params.get("url") || params.get("text") || "";
    if (shared) {
      offline.querySelector("[data-shared-url]").textContent = shared;
      offline.querySelector(".shared-address").hidden = false;
    }
    offline.querySelector("[data-retry]").addEventListener("click", () => window.location.reload());
  }
})();
