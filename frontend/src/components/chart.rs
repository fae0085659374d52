//! Line charts drawn as SVG by the app: a title and description for assistive technology, the
//! rating bands or a target line behind the lines, and the numbers as a table beside them.

use leptos::prelude::*;

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its name, in the legend and the table.
    pub name: String,
    /// One value per label (`None`: no data that month).
    pub values: Vec<Option<f64>>,
    /// Its CSS class (colour and dash).
    pub class: &'static str,
}

/// A horizontal band behind the lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Bottom value.
    pub from: f64,
    /// Top value.
    pub to: f64,
    /// Its CSS class.
    pub class: &'static str,
}

/// The rating bands of the weighted score.
pub fn rating_bands() -> Vec<Band> {
    vec![
        Band {
            from: 0.0,
            to: 60.0,
            class: "zone-risk",
        },
        Band {
            from: 60.0,
            to: 75.0,
            class: "zone-improve",
        },
        Band {
            from: 75.0,
            to: 85.0,
            class: "zone-good",
        },
        Band {
            from: 85.0,
            to: 100.0,
            class: "zone-high",
        },
    ]
}

const PAD_LEFT: f64 = 34.0;
const PAD_RIGHT: f64 = 10.0;
const PAD_TOP: f64 = 10.0;
const PAD_BOTTOM: f64 = 24.0;
/// How wide a character of the axis text is, about: 11px text (`.chart .tick`) averages a little
/// over half its size.
const TICK_CHAR_WIDTH: f64 = 6.2;
/// The least space between two axis labels.
const LABEL_GAP: f64 = 8.0;

/// A line chart over `labels`, scaled from `min` to `max`.
#[component]
pub fn LineChart(
    /// What the chart shows (the SVG's title).
    #[prop(into)]
    title: String,
    /// One sentence on what it says (the SVG's description).
    #[prop(into)]
    description: String,
    /// The x-axis labels.
    labels: Vec<String>,
    /// The lines.
    series: Vec<Series>,
    /// Bands behind the lines.
    #[prop(default = Vec::new())]
    bands: Vec<Band>,
    /// A target drawn as a dashed line.
    #[prop(default = None)]
    target: Option<f64>,
    /// The bottom of the scale.
    min: f64,
    /// The top of the scale.
    max: f64,
    /// Width in SVG units (the chart scales to its box).
    #[prop(default = 600.0)]
    width: f64,
    /// Height in SVG units.
    #[prop(default = 220.0)]
    height: f64,
    /// A stable id prefix for the title and description.
    #[prop(into)]
    id: String,
    /// Show the legend.
    #[prop(default = true)]
    legend: bool,
) -> impl IntoView {
    // Drawn at about the size it is shown, so its text stays readable on a phone; drawn again
    // when the window changes size (a phone turned, a window narrowed).
    let shown = RwSignal::new(shown_width());
    let resized = window_event_listener(leptos::ev::resize, move |_| shown.set(shown_width()));
    on_cleanup(move || resized.remove());
    move || {
        let width = shown.get().map_or(width, |shown| width.min(shown));
        let (title, description) = (title.clone(), description.clone());
        let span = (max - min).max(1.0);
        let plot_w = width - PAD_LEFT - PAD_RIGHT;
        let plot_h = height - PAD_TOP - PAD_BOTTOM;
        let steps = labels.len().saturating_sub(1).max(1) as f64;
        let x = move |i: usize| PAD_LEFT + plot_w * i as f64 / steps;
        let y = move |v: f64| PAD_TOP + plot_h * (1.0 - (v.clamp(min, max) - min) / span);
        let title_id = format!("{id}-title");
        let desc_id = format!("{id}-desc");
        let labelled_by = format!("{title_id} {desc_id}");
        let ticks: Vec<f64> = (0..=4).map(|i| min + span * f64::from(i) / 4.0).collect();
        // Labels counted back from the latest so the last month is always named, at most about
        // six, and never closer than they fit: the last ends at its point, so it and the one
        // before it need one and a half labels' width (and a gap) between their points.
        let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
        let apart = 1.5 * widest * TICK_CHAR_WIDTH + LABEL_GAP;
        let fit = (apart / (plot_w / steps)).ceil() as usize;
        let every = fit.max(labels.len() / 6).max(1);
        let last = labels.len().saturating_sub(1);
        let band_rects = bands
            .iter()
            .filter(|band| band.to > min && band.from < max)
            .map(|band| {
                let top = y(band.to.min(max));
                let bottom = y(band.from.max(min));
                view! { <rect class=band.class x=PAD_LEFT y=top width=plot_w height=(bottom - top).max(0.0) /> }
            })
            .collect_view();
        let grid = ticks
            .iter()
            .map(|tick| {
                let at = y(*tick);
                view! {
                    <line class="grid" x1=PAD_LEFT x2=width - PAD_RIGHT y1=at y2=at />
                    <text class="tick" x=PAD_LEFT - 4.0 y=at + 3.0 text-anchor="end">{format!("{tick:.0}")}</text>
                }
            })
            .collect_view();
        let x_labels = labels
            .iter()
            .enumerate()
            .filter(|(i, _)| (last - i).is_multiple_of(every))
            .map(|(i, label)| {
                // The last label ends at its point, so it never runs past the chart's edge.
                let anchor = if i == last && last > 0 { "end" } else { "middle" };
                view! { <text class="tick" x=x(i) y=height - 6.0 text-anchor=anchor>{label.clone()}</text> }
            })
            .collect_view();
        let target_line = target.map(|target| {
            let at = y(target);
            view! { <line class="target" x1=PAD_LEFT x2=width - PAD_RIGHT y1=at y2=at /> }
        });
        let lines = series
            .iter()
            .map(|line| {
                // Gaps (months without data) break the line into runs.
                let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
                for (i, value) in line.values.iter().enumerate() {
                    match (value, runs.last_mut()) {
                        (Some(v), Some(run)) => run.push((x(i), y(*v))),
                        _ => runs.push(Vec::new()),
                    }
                }
                let paths = runs
                    .into_iter()
                    .filter(|run| !run.is_empty())
                    .map(|run| {
                        let points: Vec<String> = run
                            .iter()
                            .map(|(px, py)| format!("{px:.1},{py:.1}"))
                            .collect();
                        let dots = run
                            .iter()
                            .map(|(px, py)| view! { <circle cx=*px cy=*py r="3" /> })
                            .collect_view();
                        view! { <polyline points=points.join(" ") />{dots} }
                    })
                    .collect_view();
                view! { <g class=format!("series {}", line.class)>{paths}</g> }
            })
            .collect_view();
        let legend_items = legend.then(|| {
            series
                .iter()
                .map(|line| {
                    view! { <li><span class=format!("swatch {}", line.class) aria-hidden="true"></span>{line.name.clone()}</li> }
                })
                .collect_view()
        });
        view! {
            <figure class="chart">
                <svg viewBox=format!("0 0 {width} {height}") role="img"
                    aria-labelledby=labelled_by preserveAspectRatio="xMidYMid meet">
                    <title id=title_id>{title}</title>
                    <desc id=desc_id>{description}</desc>
                    {band_rects}
                    {grid}
                    {target_line}
                    {lines}
                    {x_labels}
                </svg>
                {legend_items.map(|items| view! { <ul class="legend">{items}</ul> })}
            </figure>
        }
    }
}

/// The width a chart is shown at: the window's, less the page's margins.
fn shown_width() -> Option<f64> {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .map(|viewport| (viewport - 56.0).max(280.0))
}

/// The numbers of a chart as a table: one row per label, one column per series.
#[component]
pub fn ChartTable(
    /// The table's caption.
    #[prop(into)]
    caption: String,
    /// The row labels.
    labels: Vec<String>,
    /// The columns.
    series: Vec<Series>,
) -> impl IntoView {
    let header = series
        .iter()
        .map(|s| view! { <th scope="col">{s.name.clone()}</th> })
        .collect_view();
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let cells = series
                .iter()
                .map(|s| {
                    let value = s.values.get(i).copied().flatten();
                    view! { <td>{crate::labels::score(value)}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{label.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <details class="numbers">
            <summary>"Numbers: " {caption.clone()}</summary>
            <table>
                <caption class="sr-only">{caption}</caption>
                <thead><tr><th scope="col">"Month"</th>{header}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
