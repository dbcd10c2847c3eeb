/* Trackeep API client shared by the popup, the options page and the background worker.
   Settings (instance address and personal API token) live in the extension's local storage only. */
"use strict";

const ext = globalThis.browser ?? globalThis.chrome;

class TrackeepError extends Error {
  constructor(message, status = 0, code = "") {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const Trackeep = {
  async settings() {
    const { instance = "", token = "" } = await ext.storage.local.get(["instance", "token"]);
    return { instance, token };
  },

  async saveSettings(instance, token) {
    await ext.storage.local.set({ instance: Trackeep.normalizeInstance(instance), token: token.trim() });
  },

  normalizeInstance(address) {
    const url = new URL(address.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TrackeepError("Enter the address of your Trackeep, starting with https:// or http://.");
    }
    return url.origin + url.pathname.replace(/\/+$/, "");
  },

  async request(path, { method = "GET", body, settings } = {}) {
    const { instance, token } = settings ?? (await Trackeep.settings());
    if (!instance || !token) {
      throw new TrackeepError("Connect the extension to your Trackeep first (Options).", 0, "not_configured");
    }
    let response;
    try {
      response = await fetch(instance + "/api/v1" + path, {
        method,
        headers: {
          Authorization: "Bearer " + token,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
      });
    } catch {
      throw new TrackeepError("Cannot reach " + instance + ". Is it running, and is the address right?");
    }
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = data?.error ?? {};
      const messages = {
        401: "Your token was not accepted (expired or revoked?). Create a new one and enter it in Options.",
        403: "Your token may not do this. Create one from the “browser extension” preset.",
      };
      throw new TrackeepError(messages[response.status] ?? error.message ?? "Trackeep answered " + response.status + ".", response.status, error.code);
    }
    return data;
  },

  whoAmI(settings) {
    return Trackeep.request("/token", { settings });
  },

  async findSaved(url) {
    const page = await Trackeep.request("/bookmarks?limit=1&url=" + encodeURIComponent(url));
    return page.items[0] ?? null;
  },

  saveUrl({ url, title = "", description = "", tags = [] }) {
    return Trackeep.request("/bookmarks/save", { method: "POST", body: { url, title, description, tags } });
  },

  async tagSuggestions(text) {
    const page = await Trackeep.request("/tags?limit=20&q=" + encodeURIComponent(text));
    return page.items.map((tag) => tag.name);
  },

  parseTags(text) {
    const seen = new Set();
    return text.split(",").map((name) => name.trim()).filter((name) => {
      const key = name.toLowerCase();
      if (!name || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },

  isSavable(url) {
    return /^(https?|ftps?):\/\//i.test(url ?? "");
  },
};

globalThis.Trackeep = Trackeep;
globalThis.TrackeepError = TrackeepError;
