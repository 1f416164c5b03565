// DutyBot dashboard: parts that update without reload. An element with data-sse="URL" has its
// content replaced by each server-sent event (bot/web/sse.py). Nothing is loaded from elsewhere.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const part of document.querySelectorAll("[data-sse]")) {
    const source = new EventSource(part.dataset.sse);
    source.onmessage = (event) => {
      // The server renders the fragment with autoescaping; it is this site's own HTML.
      part.innerHTML = event.data;
      part.dataset.updated = String(Date.now());
    };
  }
});
