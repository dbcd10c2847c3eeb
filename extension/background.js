/* Background worker: the "Save link to Trackeep" context menu. The toolbar button and its keyboard
   shortcut (Alt+Shift+K) open the popup, which does the rest. Chromium runs this as a service
   worker (so it loads the client itself); Firefox loads lib/trackeep.js first from the manifest. */
"use strict";
if (typeof importScripts === "function") {
  importScripts("lib/trackeep.js");
}

const MENU_SAVE_LINK = "trackeep-save-link";
const BADGE_SECONDS = 4;

ext.runtime.onInstalled.addListener(() => {
  ext.contextMenus.create({ id: MENU_SAVE_LINK, title: "Save link to Trackeep", contexts: ["link"] });
});

async function showBadge(text, color, tabId) {
  const target = tabId === undefined ? {} : { tabId };
  await ext.action.setBadgeBackgroundColor({ color, ...target });
  await ext.action.setBadgeText({ text, ...target });
  setTimeout(() => ext.action.setBadgeText({ text: "", ...target }), BADGE_SECONDS * 1000);
}

async function handleMenuClick(info, tab) {
  if (info.menuItemId !== MENU_SAVE_LINK || !Trackeep.isSavable(info.linkUrl)) {
    return null;
  }
  try {
    const saved = await Trackeep.saveUrl({ url: info.linkUrl, title: info.linkText ?? "" });
    await showBadge("✓", "#16a34a", tab?.id);
    return saved;
  } catch (error) {
    await ext.action.setTitle({ title: "Trackeep: " + error.message });
    await showBadge("!", "#dc2626", tab?.id);
    return null;
  }
}

ext.contextMenus.onClicked.addListener((info, tab) => {
  handleMenuClick(info, tab);
});
