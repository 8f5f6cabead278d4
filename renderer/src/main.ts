import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { clock } from './lib/clock.svelte';
import { session } from './lib/session.svelte';

void session.load();
void clock.refresh().catch(() => undefined);

export default mount(App, { target: document.getElementById('app')! });
