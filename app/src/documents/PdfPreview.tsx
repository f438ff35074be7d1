import { useEffect, useRef, useState } from 'react';
import { Alert, Spin } from 'antd';
import { getDocument, GlobalWorkerOptions } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

// The worker is bundled with the app (no CDN): this module loads only when a PDF is shown.
GlobalWorkerOptions.workerSrc = workerUrl;

/** Every page of a PDF drawn on canvases with PDF.js (the seals' appearances included), for people to see what they sign. */
export default function PdfPreview({ bytes, label }: { bytes: ArrayBuffer; label: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    let cancelled = false;
    const task = getDocument({ data: new Uint8Array(bytes.slice(0)) });
    void (async () => {
      const pdf = await task.promise;
      const box = holder.current!;
      box.replaceChildren();
      for (let n = 1; n <= pdf.numPages && !cancelled; n++) {
        const page = await pdf.getPage(n);
        const viewport = page.getViewport({ scale: 1.25 });
        const canvas = document.createElement('canvas');
        canvas.width = viewport.width;
        canvas.height = viewport.height;
        canvas.style.cssText = 'display:block;max-width:100%;margin:0 auto 12px;box-shadow:0 1px 4px rgba(0,0,0,.3)';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${label} · ${n}/${pdf.numPages}`);
        box.append(canvas);
        await page.render({ canvas, viewport }).promise;
      }
      if (!cancelled) setDrawn(true);
    })().catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [bytes, label]);
  return (
    <>
      {!drawn && !error && <Spin />}
      {error && <Alert type="error" showIcon title={error} />}
      <div ref={holder} data-testid="pdf-preview" data-drawn={drawn} />
    </>
  );
}
