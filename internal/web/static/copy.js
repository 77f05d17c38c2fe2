// Baken: the copy button of the recovery codes. Without this script the button stays
// hidden, and the codes can still be downloaded or selected.
"use strict";
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = Array.from(source.querySelectorAll("code"), (c) => c.textContent).join("\n") + "\n";
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = button.dataset.copied;
    } catch {
      button.textContent = button.dataset.failed;
    }
  });
}
