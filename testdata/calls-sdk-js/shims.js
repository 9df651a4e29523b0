'use strict';
// The few browser globals the Calls SDK v4 bundle touches when it loads and
// when it generates a token. Nothing here renders or plays anything: the
// check only exercises generateToken, which is a fetch.

const noop = () => {};

function fakeElement(tagName) {
  return {
    tagName: String(tagName || 'div').toUpperCase(),
    style: {},
    dataset: {},
    classList: { add: noop, remove: noop, contains: () => false, toggle: noop },
    childNodes: [],
    children: [],
    attributes: [],
    setAttribute: noop,
    getAttribute: () => null,
    removeAttribute: noop,
    appendChild: (c) => c,
    insertBefore: (c) => c,
    removeChild: (c) => c,
    addEventListener: noop,
    removeEventListener: noop,
    getElementsByTagName: () => [],
    querySelector: () => null,
    querySelectorAll: () => [],
    getContext: () => null,
    canPlayType: () => '',
    sheet: { cssRules: [], insertRule: noop, deleteRule: noop },
  };
}

const head = fakeElement('head');
const body = fakeElement('body');
const documentElement = fakeElement('html');

const location = {
  href: 'https://localhost/',
  protocol: 'https:',
  host: 'localhost',
  hostname: 'localhost',
  port: '',
  origin: 'https://localhost',
  pathname: '/',
  search: '',
  hash: '',
};

const document = {
  head,
  body,
  documentElement,
  readyState: 'complete',
  cookie: '',
  location,
  createElement: fakeElement,
  createElementNS: (_ns, tag) => fakeElement(tag),
  createTextNode: () => fakeElement('#text'),
  createComment: () => fakeElement('#comment'),
  getElementById: () => null,
  getElementsByTagName: (t) => (String(t).toLowerCase() === 'head' ? [head] : []),
  querySelector: (s) => (s === 'head' ? head : s === 'body' ? body : null),
  querySelectorAll: () => [],
  addEventListener: noop,
  removeEventListener: noop,
};

class Image {
  constructor() {
    this.src = '';
    this.onload = null;
    this.onerror = null;
  }
}

globalThis.window = globalThis;
globalThis.self = globalThis;
globalThis.document = document;
globalThis.location = location;
globalThis.Image = Image;
globalThis.HTMLElement = class HTMLElement {};
globalThis.Element = class Element {};
globalThis.Node = class Node {};
globalThis.getComputedStyle = () => ({ getPropertyValue: () => '' });
globalThis.matchMedia = () => ({ matches: false, addListener: noop, removeListener: noop, addEventListener: noop, removeEventListener: noop });
globalThis.requestAnimationFrame = (cb) => setTimeout(cb, 0);
globalThis.cancelAnimationFrame = (id) => clearTimeout(id);
globalThis.addEventListener = noop;
globalThis.removeEventListener = noop;
globalThis.localStorage = globalThis.sessionStorage = { getItem: () => null, setItem: noop, removeItem: noop, clear: noop };
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = { userAgent: 'node', platform: 'linux', language: 'en', mediaDevices: {} };
}
