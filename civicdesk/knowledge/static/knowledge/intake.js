// Intake page: "采用" puts the article's answer into 即时答复 and records the article, so the
// order closed on the call names the articles used (POST "article", read by the intake view);
// it also chooses the article's category, when the intake form offers it (a leaf).
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".kb-use");
    if (!button) return;
    var card = button.closest(".kb-answer");
    var answer = document.getElementById("id_answer");
    var used = document.getElementById("kb-used");
    if (!card || !answer || !used) return;
    var text = card.querySelector(".kb-answer-text").textContent.trim();
    answer.value = answer.value.trim() ? answer.value.trim() + "\n" + text : text;
    answer.dispatchEvent(new Event("input", { bubbles: true }));
    var id = button.dataset.article;
    if (!used.querySelector('input[value="' + id + '"]')) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "article"; input.value = id;
      used.appendChild(input);
    }
    var category = document.getElementById("id_category");
    var chosen = button.dataset.category;
    if (category && chosen && category.value !== chosen && category.querySelector('option[value="' + chosen + '"]')) {
      category.value = chosen;
      category.dispatchEvent(new Event("picker:sync", { bubbles: true }));  // the searchable picker shows it
      category.dispatchEvent(new Event("change", { bubbles: true }));  // suggestions, proposed topics
    }
    button.disabled = true;
    button.textContent = button.dataset.usedLabel || "✓";
  });
})();
