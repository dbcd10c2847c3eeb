// The search page's small additions to htmx (templates/search/page.html).

// Leave empty filters out of the live-search requests, so the URLs htmx pushes into the address bar
// stay short and shareable (?q=quokka&kind=note rather than every empty field).
document.addEventListener("htmx:configRequest", (event) => {
  const elt = event.detail.elt;
  if (!elt.closest || !elt.closest("#search-form")) return;
  const data = event.detail.formData;
  for (const name of new Set(data.keys())) {
    const kept = data.getAll(name).filter((value) => value !== "");
    data.delete(name);
    kept.forEach((value) => data.append(name, value));
  }
});

// A refused search (429 from the "search" rate limit, or an error) says so instead of leaving stale results.
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (!target || target.id !== "search-results") return;
  const xhr = event.detail.xhr;
  const wait = xhr.getResponseHeader("Retry-After");
  const note = document.createElement("p");
  note.className = "message error";
  note.setAttribute("role", "alert");
  note.textContent = xhr.status === 429
    ? `Too many searches in a row: results resume in ${wait || "a few"} seconds.`
    : "The search failed; please try again.";
  target.replaceChildren(note);
});
