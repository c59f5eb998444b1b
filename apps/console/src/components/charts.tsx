/**
 * Two small SVG charts (line and bar) — enough for the dashboards, with no charting library in the
 * bundle. Values are plain numbers; labels are already formatted by the caller.
 */
const PALETTE = ['#1677ff', '#52c41a', '#fa8c16', '#eb2f96', '#722ed1'];

export interface Series {
  name: string;
  values: (number | null)[];
}

export function LineChart({ labels, series, height = 180, format = String, testId }: { labels: string[]; series: Series[]; height?: number; format?: (v: number) => string; testId?: string }) {
  const width = 560;
  const pad = { left: 48, right: 12, top: 12, bottom: 28 };
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1e-9, ...all);
  const x = (i: number) => pad.left + (labels.length <= 1 ? 0 : (i * (width - pad.left - pad.right)) / (labels.length - 1));
  const y = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" data-testid={testId} style={{ maxWidth: width }}>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={pad.left} x2={width - pad.right} y1={y(max * f)} y2={y(max * f)} stroke="#eee" />
          <text x={pad.left - 6} y={y(max * f) + 4} fontSize="10" textAnchor="end" fill="#888">{format(max * f)}</text>
        </g>
      ))}
      {labels.map((label, i) => (
        <text key={label + i} x={x(i)} y={height - 8} fontSize="10" textAnchor="middle" fill="#888">{label}</text>
      ))}
      {series.map((s, si) => {
        const points = s.values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean).join(' ');
        return (
          <g key={s.name}>
            <polyline fill="none" stroke={PALETTE[si % PALETTE.length]} strokeWidth="2" points={points} />
            {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={PALETTE[si % PALETTE.length]}><title>{`${s.name} ${labels[i]}: ${format(v)}`}</title></circle>))}
          </g>
        );
      })}
      {series.length > 1
        ? series.map((s, si) => (
            <text key={s.name} x={pad.left + si * 120} y={10} fontSize="10" fill={PALETTE[si % PALETTE.length]}>■ {s.name}</text>
          ))
        : null}
    </svg>
  );
}

export function BarChart({ labels, values, height = 180, format = String, testId }: { labels: string[]; values: number[]; height?: number; format?: (v: number) => string; testId?: string }) {
  const width = 560;
  const pad = { left: 40, right: 8, top: 16, bottom: 28 };
  const max = Math.max(1e-9, ...values);
  const slot = (width - pad.left - pad.right) / Math.max(1, values.length);
  const barHeight = (v: number) => (v / max) * (height - pad.top - pad.bottom);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" data-testid={testId} style={{ maxWidth: width }}>
      <line x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} stroke="#ddd" />
      {values.map((v, i) => (
        <g key={i}>
          <rect x={pad.left + i * slot + slot * 0.15} width={slot * 0.7} y={height - pad.bottom - barHeight(v)} height={barHeight(v)} fill={PALETTE[0]} rx="2">
            <title>{`${labels[i]}: ${format(v)}`}</title>
          </rect>
          <text x={pad.left + i * slot + slot / 2} y={height - pad.bottom - barHeight(v) - 3} fontSize="10" textAnchor="middle" fill="#555">{format(v)}</text>
          <text x={pad.left + i * slot + slot / 2} y={height - 8} fontSize="10" textAnchor="middle" fill="#888">{labels[i]}</text>
        </g>
      ))}
    </svg>
  );
}
