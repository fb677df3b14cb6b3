// Entry point of the web UI bundle: pins the base URL, then renders the app into #app.
import { render } from 'preact';
import { App } from './app.js';
import { installBase } from './route.js';

installBase();
const root = document.getElementById('app');
if (root) render(<App />, root);
