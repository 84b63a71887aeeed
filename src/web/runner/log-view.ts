// An execution with its steps (a global job's units, a campaign's global jobs) and their logs, and the log
// rendered server-side: each step's own log nested right after the parent's line that started it, in the
// order things happened (the parent's `child.started` event names the step's execution). runner.js keeps the
// same structure up to date from the live streams.
import { lineMark } from '../../runner/render.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Execution, LogLine } from '../../runner/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { clockTime } from './views.ts';

export interface ExecutionNode {
  execution: Execution;
  log: LogLine[];
  /** Steps in the order they ran. */
  children: ExecutionNode[];
}

export async function loadTree(executions: ExecutionStore, execution: Execution): Promise<ExecutionNode> {
  const children = await executions.children(execution.id);
  return {
    execution,
    log: await executions.log(execution.id),
    children: await Promise.all(children.map((child) => loadTree(executions, child))),
  };
}

/** The running execution deepest in the tree: the unit job listening now. */
export function currentNode(node: ExecutionNode): ExecutionNode | undefined {
  if (node.execution.status !== 'running') return undefined;
  const child = node.children.find((c) => c.execution.status === 'running');
  return (child && currentNode(child)) ?? node;
}

/**
 * CSS classes of a line: its level, and for checks whether it passed (✔), failed (✘), was not evaluated (○,
 * neutral) or informs (ℹ); a « Que corriger » line (↳) follows a failed check. Lines recorded before run
 * events existed (migration 0009) have their level only.
 */
function lineClass(line: LogLine): string {
  const mark = line.event && lineMark(line.event);
  return `line l-${line.level}${mark ? ` ${mark}` : ''}`;
}

function lineItem(line: LogLine): SafeHtml {
  const time = html`<time datetime="${new Date(line.at).toISOString()}">${clockTime(line.at)}</time>`;
  const text = html`<span class="text">${line.text}</span>`;
  return html`<li class="${lineClass(line)}" data-seq="${line.seq}">${time} ${text}</li>`;
}

export function logList(node: ExecutionNode): SafeHtml {
  const byId = new Map(node.children.map((c) => [c.execution.id, c]));
  const placed = new Set<number>();
  const nested = (child: ExecutionNode) => {
    placed.add(child.execution.id);
    return html`<li class="nested">${logList(child)}</li>`;
  };
  const items = node.log.map((line) => {
    const child = line.event?.type === 'child.started' ? byId.get(line.event.executionId) : undefined;
    return child ? html`${lineItem(line)}${nested(child)}` : lineItem(line);
  });
  // A step without its starting event (recorded before run events existed) still shows, after the rest.
  const rest = node.children.filter((c) => !placed.has(c.execution.id)).map(nested);
  const running = node.execution.status === 'running' ? html` data-running` : '';
  return html`<ol class="log" data-execution="${node.execution.id}"${running}>${items}${rest}</ol>`;
}
