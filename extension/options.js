/* Options: the instance address and the personal API token, tested against /api/v1/token before
   they are kept. */
"use strict";

const field = (id) => document.getElementById(id);

function say(message, isError = false) {
  field("status").textContent = message;
  field("status").classList.toggle("error", isError);
}

async function connect(event) {
  event.preventDefault();
  field("connect").disabled = true;
  say("Testing…");
  try {
    const settings = { instance: Trackeep.normalizeInstance(field("instance").value), token: field("token").value.trim() };
    const me = await Trackeep.whoAmI(settings);
    await Trackeep.saveSettings(settings.instance, settings.token);
    const missing = ["bookmarks:read", "bookmarks:write", "tags:read"].filter((scope) => !me.scopes.includes(scope));
    say(
      "Connected as " + me.username + " with the token “" + me.name + "”." +
        (missing.length ? " It lacks " + missing.join(", ") + ": some features will not work." : ""),
      missing.length > 0,
    );
  } catch (error) {
    say(error instanceof TypeError ? "That is not a web address." : error.message, true);
  } finally {
    field("connect").disabled = false;
  }
}

async function main() {
  const { instance, token } = await Trackeep.settings();
  field("instance").value = instance;
  field("token").value = token;
  field("options-form").addEventListener("submit", connect);
}

main();
