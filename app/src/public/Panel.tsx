import type { ReactNode } from 'react';
import './panel.css';

/**
 * A titled panel for the public pages. antd's Card would do, but it brings Tabs, Menu and Dropdown (~30 KB gzipped)
 * into the first page a citizen's phone loads; this is a heading and a box.
 */
export function Panel({ title, extra, children }: { title: ReactNode; extra?: ReactNode; children: ReactNode }) {
  return (
    <section className="public-panel">
      <header>
        <h2>{title}</h2>
        {extra}
      </header>
      <div className="public-panel-body">{children}</div>
    </section>
  );
}

/** A plain list of links and lines (antd's List brings pagination and its select). */
export function Lines({
  items,
  empty,
}: {
  items: { key: string; title: ReactNode; description?: ReactNode }[];
  empty: ReactNode;
}) {
  if (items.length === 0) return <p className="public-lines-empty">{empty}</p>;
  return (
    <ul className="public-lines">
      {items.map((i) => (
        <li key={i.key}>
          <div className="public-lines-title">{i.title}</div>
          {i.description && <div className="public-lines-description">{i.description}</div>}
        </li>
      ))}
    </ul>
  );
}
