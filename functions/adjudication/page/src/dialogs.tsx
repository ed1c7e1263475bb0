/** The page's dialogs (native <dialog>: focus is held inside, Escape cancels) and the inline step-up panel. */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { shortcuts } from './shortcuts.js';

function Modal(props: { title: string; onClose: () => void; children: ReactNode; testId: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    return () => d.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** Asks before a key or button acts on more than one candidate; the reason can be edited. */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  reason: string | null;
  confirmLabel: string;
  onReason: (r: string) => void;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const reasonId = useId();
  return (
    <Modal title={props.title} onClose={props.onClose} testId="confirm">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          props.onConfirm();
        }}
      >
        <p>{props.body}</p>
        {props.reason !== null && (
          <p>
            <label htmlFor={reasonId}>Reason (written to the audit ledger)</label>
            <input
              id={reasonId}
              value={props.reason}
              required
              maxLength={500}
              onChange={(e) => props.onReason(e.target.value)}
            />
          </p>
        )}
        <div className="buttons">
          {/* biome-ignore lint/a11y/noAutofocus: a confirmation's own button takes focus, Enter confirms. */}
          <button type="submit" className="primary" autoFocus>
            {props.confirmLabel}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

const keyName = (k: string) => (k === 'X' ? 'Shift+x' : k === ' ' ? 'Space' : k);

/** Every shortcut, from the same table the key handler reads. */
export function HelpDialog(props: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={props.onClose} testId="help">
      <table className="shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {shortcuts.map((s) => (
            <tr key={s.action}>
              <td>
                {s.keys.map((k) => (
                  <kbd key={k}>{keyName(k)}</kbd>
                ))}
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="buttons">
        {/* biome-ignore lint/a11y/noAutofocus: the only control of the dialog. */}
        <button type="button" onClick={props.onClose} autoFocus>
          Close
        </button>
      </div>
    </Modal>
  );
}

/** Inline step-up: says what needs it and why, and runs the passkey ceremony on the reviewer's go. */
export function StepUpPanel(props: {
  scopes: string[];
  operation: string;
  busy: boolean;
  error: string | null;
  onVerify: () => void;
  onCancel: () => void;
}) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <section className="stepup" aria-labelledby="stepup-h" data-testid="stepup">
      <h2 id="stepup-h">Passkey step-up needed</h2>
      <p>
        <strong>{props.operation}</strong> changes the graph for every analyst of your tenant, so it needs a fresh
        passkey confirmation ({props.scopes.join(', ')}). Your decision is waiting and runs right after.
      </p>
      {props.error && (
        <p role="alert" className="bad">
          {props.error}
        </p>
      )}
      <div className="buttons">
        <button ref={button} type="button" className="primary" disabled={props.busy} onClick={props.onVerify}>
          {props.busy ? 'Waiting for your passkey…' : 'Verify with passkey'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
