// Entry point of the web UI bundle: renders the app into #app.
import { render } from 'preact';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) render(<App />, root);
