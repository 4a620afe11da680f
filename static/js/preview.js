// Progressive enhancement: while the visitor changes a form that has a data-preview-url (the
// questionnaire's answers, a verdict's weights), show the projected verdict, scored on the server
// by the same code as the real one. Without JavaScript the form simply submits.
(function () {
  "use strict";
  const DELAY_MS = 250;
  const UNAVAILABLE = "The preview could not update; it shows the last projection. Submitting the form still works.";

  // The form's panel: the one named by data-preview-panel, the .preview right after the form, or a new one.
  function panelFor(form) {
    const named = form.dataset.previewPanel && document.getElementById(form.dataset.previewPanel);
    const next = form.nextElementSibling;
    if (named) {
      return named;
    }
    if (next && next.classList.contains("preview")) {
      return next;
    }
    const panel = document.createElement("aside");
    panel.className = "preview";
    const title = document.createElement("h2");
    title.textContent = "Projected verdict";
    title.id = (form.id || "form") + "-preview-title";
    panel.setAttribute("aria-labelledby", title.id);
    panel.append(title);
    form.after(panel);
    return panel;
  }

  function part(panel, selector, tag, className) {
    let element = panel.querySelector(selector);
    if (!element) {
      element = document.createElement(tag);
      element.className = className;
      panel.append(element);
    }
    return element;
  }

  function enhance(form) {
    const panel = panelFor(form);
    const body = part(panel, "[aria-live]", "div", "preview-body");
    body.setAttribute("aria-live", "polite");
    const status = part(panel, ".preview-status", "p", "preview-status help");
    status.setAttribute("role", "status");
    panel.hidden = false;
    let pending = null;
    let timer = null;

    async function refresh() {
      if (pending) {
        pending.abort();
      }
      const controller = new AbortController();
      pending = controller;
      try {
        const response = await fetch(form.dataset.previewUrl, {
          method: "POST",
          body: new FormData(form),
          headers: { "X-Requested-With": "fetch" },
          credentials: "same-origin",
          signal: controller.signal,
        });
        // 400 carries the form's own errors, which are worth showing; anything else is a failure.
        if (!response.ok && response.status !== 400) {
          throw new Error("preview answered " + response.status);
        }
        const html = await response.text();
        if (pending === controller) {
          body.innerHTML = html;
          status.textContent = "";
        }
      } catch (error) {
        if (error.name !== "AbortError" && pending === controller) {
          status.textContent = UNAVAILABLE;
        }
      }
    }

    function soon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    }

    // "input" follows typing and arrow keys in number fields; "change" follows radios and boxes.
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    refresh();
  }

  if (!window.fetch || !window.AbortController) {
    return;
  }
  document.querySelectorAll("form[data-preview-url]").forEach(enhance);
})();
