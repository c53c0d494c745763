/**
 * The workshop's agenda, from each chapter's own chapter.json (read at build time by
 * plugins/workshop-chapters.mjs): every chapter with its time, linked to its page, the total, and
 * the short track.
 */
import Link from '@docusaurus/Link';
import { usePluginData } from '@docusaurus/useGlobalData';
import type { ReactNode } from 'react';

interface AgendaData {
  chapters: { folder: string; number: number; title: string; minutes: number; time: string; page?: string; write: { lines: number; steps: number } }[];
  total: string;
  shortTrack: { numbers: number[]; total: string };
}

export default function Agenda(): ReactNode {
  const { chapters, total, shortTrack } = usePluginData('workshop-chapters') as AgendaData;
  if (chapters.length === 0) {
    return (
      <p data-agenda="empty">
        <em>The chapters are coming.</em> Each chapter will appear here with its time as soon as its folder exists in{' '}
        <code>chapters/</code>. Until then, <code>final/</code> holds the whole finished API, and the setup below already works.
      </p>
    );
  }
  const first = shortTrack.numbers[0];
  const last = shortTrack.numbers[shortTrack.numbers.length - 1];
  const shortTrackChapters = first === last ? `chapter ${first}` : `chapters ${first} to ${last}`;
  return (
    <>
      <table data-agenda="chapters">
        <thead>
          <tr>
            <th>#</th>
            <th>Chapter</th>
            <th>Time</th>
            <th>You write</th>
          </tr>
        </thead>
        <tbody>
          {chapters.map((chapter) => (
            <tr key={chapter.folder}>
              <td>{chapter.number}</td>
              <td>{chapter.page ? <Link to={chapter.page}>{chapter.title}</Link> : chapter.title}</td>
              <td>{chapter.time}</td>
              <td>{chapter.write.steps > 0 ? `${chapter.write.lines} lines, in ${chapter.write.steps} steps` : '–'}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td />
            <th>The whole workshop</th>
            <th>{total}</th>
            <td />
          </tr>
        </tfoot>
      </table>
      {shortTrack.numbers.length > 0 && (
        <p data-agenda="short-track">
          <strong>The 2-hour track</strong> is {shortTrackChapters}: {shortTrack.total}. The chapters after it are for the
          long track, or for later at home.
        </p>
      )}
    </>
  );
}
