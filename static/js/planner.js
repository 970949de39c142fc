// "Copy" buttons: <button data-copy="#selector"> copies that field's text to the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  const done = () => { button.textContent = button.dataset.copied || "Copied"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => { field.select(); });
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});
