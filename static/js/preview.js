// Progressive enhancement: while the visitor answers, show the projected verdict, scored on the
// server by the same code as the real one. Without JavaScript the form simply submits.
(function () {
  "use strict";
  const form = document.getElementById("questionnaire");
  const panel = document.getElementById("preview");
  const body = document.getElementById("preview-body");
  if (!form || !panel || !body || !window.fetch) {
    return;
  }
  panel.hidden = false;
  let pending = null;

  async function refresh() {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: pending.signal,
      });
      body.innerHTML = await response.text();
    } catch (error) {
      if (error.name !== "AbortError") {
        body.textContent = "The preview is unavailable right now; submitting the form still works.";
      }
    }
  }

  form.addEventListener("change", refresh);
  refresh();
})();
