// Site-wide behaviour, as event listeners: the Content-Security-Policy allows no inline script,
// no inline event handlers and no hx-on attributes (which htmx runs through eval).

// A filter form marked data-drop-empty="presenter venue when" leaves those fields out of its
// HTMX request when they are empty, so the pushed address shows only the filters in use.
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt.closest("[data-drop-empty]");
  if (!form) return;
  for (const key of form.dataset.dropEmpty.split(" ")) {
    if (!event.detail.parameters.get(key)) event.detail.parameters.delete(key);
  }
});

// A read-only field marked data-select-on-click selects its text when clicked (to copy it).
document.addEventListener("click", (event) => {
  const field = event.target.closest("[data-select-on-click]");
  if (field) field.select();
});
