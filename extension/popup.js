/* The toolbar popup: saves the current tab (title, address, selected text as description, tags with
   suggestions from Trackeep) and says whether the page was saved before. */
"use strict";

const $ = (id) => document.getElementById(id);
const SUGGEST_DELAY_MS = 150;

function say(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

/* The tab the popup is about: the active tab of the last focused normal browser window (the popup
   itself may be in a window of its own). */
async function currentTab() {
  const win = await ext.windows.getLastFocused({ windowTypes: ["normal"] });
  const [tab] = await ext.tabs.query({ active: true, windowId: win.id });
  return tab;
}

async function selectedText(tabId) {
  try {
    const [injection] = await ext.scripting.executeScript({
      target: { tabId },
      func: () => String(globalThis.getSelection?.() ?? "").trim(),
    });
    return (injection?.result ?? "").slice(0, 20000);
  } catch {
    return ""; // pages the browser protects (settings, the web store): no selection to read
  }
}

function linkTo(anchor, instance, bookmark) {
  anchor.href = instance + bookmark.web_url;
}

async function showAlreadySaved(instance, url) {
  try {
    const saved = await Trackeep.findSaved(url);
    if (saved) {
      $("saved-on").textContent = "on " + new Date(saved.created_at).toLocaleDateString();
      linkTo($("open-saved"), instance, saved);
      $("already").hidden = false;
      $("save").textContent = "Add tags";
      $("tags").placeholder = saved.tags.join(", ") || "reading, Dev/Python";
    }
  } catch (error) {
    say(error.message, true);
  }
}

function suggestTags() {
  let timer = null;
  let asked = "";
  $("tags").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = $("tags").value;
      const parts = text.split(",");
      const typing = parts.pop().trim();
      if (!typing || typing === asked) return;
      asked = typing;
      try {
        const names = await Trackeep.tagSuggestions(typing);
        const before = parts.map((part) => part.trim()).filter(Boolean);
        const prefix = before.length ? before.join(", ") + ", " : "";
        $("tag-suggestions").replaceChildren(
          ...names.map((name) => Object.assign(document.createElement("option"), { value: prefix + name })),
        );
      } catch {
        /* suggestions are a convenience: saving still works without them */
      }
    }, SUGGEST_DELAY_MS);
  });
}

async function save(event, instance) {
  event.preventDefault();
  $("save").disabled = true;
  say("Saving…");
  try {
    const result = await Trackeep.saveUrl({
      url: $("url").value,
      title: $("title").value.trim(),
      description: $("description").value.trim(),
      tags: Trackeep.parseTags($("tags").value),
    });
    say(result.created ? "Saved ✓" : "Already saved: tags added ✓");
    linkTo($("open-done"), instance, result.bookmark);
    $("done").hidden = false;
    $("save-form").hidden = true;
  } catch (error) {
    say(error.message, true);
    $("save").disabled = false;
  }
}

async function main() {
  const { instance, token } = await Trackeep.settings();
  if (!instance || !token) {
    $("setup").hidden = false;
    $("open-options").addEventListener("click", () => ext.runtime.openOptionsPage());
    return;
  }
  const tab = await currentTab();
  if (!tab || !Trackeep.isSavable(tab.url)) {
    say("This page cannot be saved (only web addresses can).", true);
    return;
  }
  $("url").value = tab.url;
  $("title").value = tab.title ?? "";
  $("description").value = await selectedText(tab.id);
  $("save-form").hidden = false;
  $("save-form").addEventListener("submit", (event) => save(event, instance));
  suggestTags();
  $("tags").focus();
  await showAlreadySaved(instance, tab.url);
}

main();
