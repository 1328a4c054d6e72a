/* The people picker (people/_picker.html). The chosen persons are chips above the search, each
   holding the one hidden input the form posts; the search results, swapped in by htmx, are
   checkboxes without a name that only add or remove chips. So a new search keeps every choice,
   a chip's × removes it, and the form posts all of them together. With data-single a new tick
   replaces the chip. Enter in the search box searches and does not submit the form. */
(function () {
  "use strict";
  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }
  function chipsOf(picker) {
    return picker.querySelectorAll("[data-picker-chip]");
  }
  function chipFor(picker, id) {
    var found = null;
    each(chipsOf(picker), function (chip) {
      if (chip.dataset.person === id) {
        found = chip;
      }
    });
    return found;
  }
  function refresh(picker) {
    var chosen = {};
    each(chipsOf(picker), function (chip) {
      chosen[chip.dataset.person] = true;
    });
    each(picker.querySelectorAll("[data-picker-option]"), function (box) {
      box.checked = Object.prototype.hasOwnProperty.call(chosen, box.value);
    });
    picker.querySelector("[data-picker-empty]").hidden = chipsOf(picker).length > 0;
  }
  function add(picker, id, label) {
    if (chipFor(picker, id)) {
      return;
    }
    if (picker.hasAttribute("data-single")) {
      each(chipsOf(picker), function (chip) {
        chip.remove();
      });
    }
    var chip = picker.querySelector("template[data-picker-template]").content
      .firstElementChild.cloneNode(true);
    chip.dataset.person = id;
    chip.querySelector("input[type=hidden]").value = id;
    chip.querySelector("[data-picker-label]").textContent = label;
    chip.querySelector("[data-picker-remove]").setAttribute(
      "aria-label", picker.dataset.removeText + "：" + label
    );
    picker.querySelector("[data-picker-chips]").appendChild(chip);
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-picker-option]")) {
      return;
    }
    var picker = box.closest("[data-picker]");
    if (box.checked) {
      add(picker, box.value, box.dataset.label);
    } else {
      var chip = chipFor(picker, box.value);
      if (chip) {
        chip.remove();
      }
    }
    refresh(picker);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-picker-remove]");
    if (!button) {
      return;
    }
    var picker = button.closest("[data-picker]");
    button.closest("[data-picker-chip]").remove();
    refresh(picker);
    picker.querySelector("[data-picker-search]").focus();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-picker-search]")) {
      event.preventDefault();
    }
  });
  function init(root) {
    var inside = root.closest && root.closest("[data-picker]");
    if (inside) {
      refresh(inside);
    }
    if (root.querySelectorAll) {
      each(root.querySelectorAll("[data-picker]"), refresh);
    }
  }
  if (window.htmx) {
    window.htmx.onLoad(init);  // the page, then every swapped-in element (search results)
  } else {
    init(document);
  }
})();
