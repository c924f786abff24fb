// The one way this client puts data on the page: as text nodes and attributes, never as markup,
// so a name or message holding "<script>" shows those characters and nothing runs.

/** Makes an element; strings among the children become text nodes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const byId = (id) => document.getElementById(id);

/** Shows an error's message in an alert region (or clears it). */
export function say(region, error) {
  region.textContent = error ? (error.message || String(error)) : "";
}
