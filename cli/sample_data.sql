-- carechainctl sample-data: the SQL, embedded into carechainctl at build time
-- (cli/gen_sql_string.sh). cli/sample_data.c runs it inside ONE transaction, step by step: a
-- line "-- step: NAME" starts a step, and each step is sent as one simple query (it may hold
-- several statements). Steps named "setup ..." always run; "curated ..." only when the curated
-- accounts are missing; "scaled ..." only when generated units are to be added; "jobs ..." last,
-- whenever either part ran: they write the jobs and applications both parts planned into
-- cc_job_plan and cc_app_plan (step "setup job plan").
--
-- Before the steps run, sample_data.c creates
--   cc_sample_param (admin_id bigint, unit_from int, unit_to int, scaled_hash text,
--                    this_year int)                          one row
--   cc_sample_pw    (email text, hash text)                  bcrypt hash per curated account
-- and reads the curated accounts from cc_sample_people (step "setup people") to choose and
-- hash their passwords.
--
-- Curated data: 10 candidates, 5 recruiters, 5 hospitals, all under the reserved domain
-- sample.carechain.test. Generated data: "units" k = 1, 2, ...; unit k holds candidates
-- 10k-9..10k, recruiters 5k-4..5k and hospitals 5k-4..5k, with the curated mix (candidates
-- 5 verified, 3 pending, 2 rejected; hospitals 3 verified of different types, 1 pending,
-- 1 rejected; 2 recruiters at the first verified hospital, 1 at each other verified one, 1 at
-- the pending one). Generated rows are computed from their number n with integer arithmetic
-- (a multiplicative hash), set-based: no function of ours runs per row.

-- step: setup people
CREATE TEMP TABLE cc_sample_people (
    ord         integer PRIMARY KEY,
    email       text NOT NULL,
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    role        text NOT NULL,
    joined_days numeric NOT NULL       -- date_joined = now() - joined_days
) ON COMMIT DROP;
INSERT INTO cc_sample_people VALUES
    (1, 'ananya.iyer@sample.carechain.test', 'Ananya', 'Iyer', 'candidate', 212.3),
    (2, 'rahul.sharma@sample.carechain.test', 'Rahul', 'Sharma', 'candidate', 198.6),
    (3, 'priya.nair@sample.carechain.test', 'Priya', 'Nair', 'candidate', 187.2),
    (4, 'irfan.khan@sample.carechain.test', 'Irfan', 'Khan', 'candidate', 64.4),
    (5, 'kavya.reddy@sample.carechain.test', 'Kavya', 'Reddy', 'candidate', 176.8),
    (6, 'arjun.mehta@sample.carechain.test', 'Arjun', 'Mehta', 'candidate', 95.1),
    (7, 'sneha.patil@sample.carechain.test', 'Sneha', 'Patil', 'candidate', 160.5),
    (8, 'vikram.singh@sample.carechain.test', 'Vikram', 'Singh', 'candidate', 41.7),
    (9, 'lakshmi.subramanian@sample.carechain.test', 'Lakshmi', 'Subramanian', 'candidate',
     23.9),
    (10, 'rohan.das@sample.carechain.test', 'Rohan', 'Das', 'candidate', 88.2),
    (11, 'shalini.gowda@sample.carechain.test', 'Shalini', 'Gowda', 'recruiter', 260.4),
    (12, 'manjunath.hegde@sample.carechain.test', 'Manjunath', 'Hegde', 'recruiter', 241.6),
    (13, 'neha.kulkarni@sample.carechain.test', 'Neha', 'Kulkarni', 'recruiter', 233.3),
    (14, 'senthil.kumar@sample.carechain.test', 'Senthil', 'Kumar', 'recruiter', 225.8),
    (15, 'amit.srivastava@sample.carechain.test', 'Amit', 'Srivastava', 'recruiter', 30.2);

-- step: setup job plan
-- Jobs and applications are planned by the curated and the scaled parts into these two tables
-- (ids drawn from the sequences up front), then written by the "jobs ..." steps in one go, so
-- both parts share one implementation of jobs, links, applications, their history and the
-- assignments.
CREATE TEMP TABLE cc_job_plan (
    id                   bigint PRIMARY KEY,
    hospital_id          bigint NOT NULL,
    posted_by            bigint NOT NULL,      -- recruiter_profiles.id
    recruiter_user       bigint NOT NULL,      -- its users.id (changes the applications)
    title                text NOT NULL,
    description          text NOT NULL,
    requirements         text NOT NULL,
    department           text NOT NULL,
    location             text NOT NULL,
    city                 text NOT NULL,
    state                text NOT NULL,
    job_type             text NOT NULL,
    experience_level     text NOT NULL,
    min_experience_years integer NOT NULL,
    salary_min           numeric(12, 2) NOT NULL,
    salary_max           numeric(12, 2) NOT NULL,
    pay_unit             text NOT NULL,
    shift                text NOT NULL,
    start_date           date NOT NULL,
    end_date             date,
    vacancies            integer NOT NULL,
    is_active            boolean NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL, -- inactive jobs: when they were closed
    expires_at           timestamptz,
    skills               text[] NOT NULL,      -- names in cli/data/skills.tsv
    qualifications       text[] NOT NULL,      -- names in cli/data/qualifications.tsv
    gen_no               integer               -- generated job number g (NULL: curated)
) ON COMMIT DROP;
-- status: the current one; reached: for rejected and withdrawn, how many of the forward
-- statuses (applied, reviewed, ...) came before; frac: where in the job's open window
-- (created_at .. expiry, closing or yesterday) the candidate applied; assignment: for hired
-- ones, the active job's status.
CREATE TEMP TABLE cc_app_plan (
    id             bigint PRIMARY KEY,
    job_id         bigint NOT NULL,
    candidate_id   bigint NOT NULL,            -- candidate_profiles.id
    status         text NOT NULL,
    reached        integer NOT NULL DEFAULT 1,
    frac           double precision NOT NULL,
    opening        integer NOT NULL,           -- which cover letter opening
    notes          text NOT NULL DEFAULT '',
    assignment     text,
    rating         integer,
    feedback       text
) ON COMMIT DROP;

-- step: curated data
-- Days are counted back from now(); a NULL decided_days means the request is still pending.
CREATE TEMP TABLE cc_sample_hosp (
    key                 text PRIMARY KEY,
    name                text NOT NULL,
    registration_number text NOT NULL,
    address             text NOT NULL,
    city                text NOT NULL,
    state               text NOT NULL,
    phone_number        text NOT NULL,
    email               text NOT NULL,
    type                text NOT NULL,
    bed_capacity        integer NOT NULL,
    website             text NOT NULL,
    status              text NOT NULL,
    creator_email       text,           -- NULL: the account that registered it is gone
    submitted_days      numeric NOT NULL,
    decided_days        numeric,
    rejection_reason    text
) ON COMMIT DROP;
INSERT INTO cc_sample_hosp VALUES
    ('A', 'Mysuru District General Hospital', 'KA/MYS/CEA/2011/00417',
     'Irwin Road, Devaraja Mohalla', 'Mysuru', 'Karnataka', '+91 821 2423301',
     'admin@mysurudgh.sample.carechain.test', 'public', 620,
     'https://mysurudgh.sample.carechain.test', 'verified',
     'shalini.gowda@sample.carechain.test', 255.1, 250.7, NULL),
    ('B', 'Navjeevan Multispeciality Hospital', 'MH/PUN/CEA/2015/02291',
     'Survey No. 41, Baner Road, Baner', 'Pune', 'Maharashtra', '+91 20 67214400',
     'careers@navjeevan.sample.carechain.test', 'private', 240,
     'https://navjeevan.sample.carechain.test', 'verified',
     'neha.kulkarni@sample.carechain.test', 230.2, 226.4, NULL),
    ('C', 'Sanjeevani Heart Institute', 'TN/CHN/CEA/2013/01184',
     '27, Greams Lane, Thousand Lights', 'Chennai', 'Tamil Nadu', '+91 44 28291150',
     'hr@sanjeevaniheart.sample.carechain.test', 'specialty', 180,
     'https://sanjeevaniheart.sample.carechain.test', 'verified',
     'senthil.kumar@sample.carechain.test', 222.6, 219.3, NULL),
    ('D', 'Shanti Nursing Home', 'UP/LKO/CEA/2022/03316',
     'B-12, Sector C, Aliganj', 'Lucknow', 'Uttar Pradesh', '+91 522 4012876',
     'office@shantinursinghome.sample.carechain.test', 'nursing_home', 32,
     'https://shantinursinghome.sample.carechain.test', 'pending',
     'amit.srivastava@sample.carechain.test', 28.4, NULL, NULL),
    ('E', 'CarePlus Family Clinic', 'RJ/JPR/CEA/2019/07752',
     'Plot 18, Malviya Nagar', 'Jaipur', 'Rajasthan', '+91 141 2721904',
     'contact@careplusclinic.sample.carechain.test', 'clinic', 4,
     'https://careplusclinic.sample.carechain.test', 'rejected', NULL, 120.5, 116.2,
     'The registration certificate has expired and its number does not match the Rajasthan '
     'Clinical Establishments register. Upload the renewed certificate.');

CREATE TEMP TABLE cc_sample_rec (
    email        text PRIMARY KEY,
    designation  text NOT NULL,
    phone_number text NOT NULL,
    hospital_key text NOT NULL
) ON COMMIT DROP;
INSERT INTO cc_sample_rec VALUES
    ('shalini.gowda@sample.carechain.test', 'HR Manager', '+91 9845031276', 'A'),
    ('manjunath.hegde@sample.carechain.test', 'Nursing Superintendent', '+91 9880412653', 'A'),
    ('neha.kulkarni@sample.carechain.test', 'Talent Acquisition Lead', '+91 9822047718', 'B'),
    ('senthil.kumar@sample.carechain.test', 'Head - Human Resources', '+91 9841156320', 'C'),
    ('amit.srivastava@sample.carechain.test', 'Hospital Administrator', '+91 9839210475', 'D');

CREATE TEMP TABLE cc_sample_cand (
    email                text PRIMARY KEY,
    phone_number         text NOT NULL,
    date_of_birth        date NOT NULL,
    gender               text NOT NULL,
    address              text NOT NULL,
    city                 text NOT NULL,
    state                text NOT NULL,
    headline             text NOT NULL,
    summary              text NOT NULL,
    years_of_experience  integer NOT NULL,
    specialization       text NOT NULL,
    certifications       text[] NOT NULL,
    expected_salary      numeric(12, 2) NOT NULL,
    available_in_days    integer NOT NULL,
    preferred_job_types  text[] NOT NULL,
    preferred_locations  text[] NOT NULL,
    status               text NOT NULL,
    license_number       text NOT NULL,
    registration_council text NOT NULL,
    id_document_type     text NOT NULL,
    id_document_number   text NOT NULL,
    submitted_days       numeric NOT NULL,
    decided_days         numeric,
    rejection_reason     text,
    skills               text[] NOT NULL,   -- names in cli/data/skills.tsv
    qualifications       text[] NOT NULL    -- names in cli/data/qualifications.tsv
) ON COMMIT DROP;
INSERT INTO cc_sample_cand VALUES
    ('ananya.iyer@sample.carechain.test', '+91 9845012873', '1992-03-14', 'female',
     '14, 3rd Cross, Jayanagar 4th Block', 'Bengaluru', 'Karnataka',
     'ICU Staff Nurse | 6 years in adult critical care',
     'Registered nurse with six years in a 30-bed medical-surgical ICU. Manages ventilated and '
     'post-cardiac-surgery patients, central and arterial lines, and leads the night-shift rapid '
     'response team. Looking for a senior staff nurse role in a NABH-accredited hospital.',
     6, 'Critical Care Nursing', '{BLS,ACLS}', 45000.00, 30, '{full_time,contract}',
     '{Bengaluru,Mysuru}', 'verified', 'KNC-2016-04512', 'Karnataka State Nursing Council',
     'aadhaar', 'XXXX XXXX 4821', 150.2, 146.8, NULL,
     ARRAY['Critical Care Nursing', 'Ventilator Management', 'Haemodynamic Monitoring',
           'Central Line Care', 'Arterial Blood Gas Sampling',
           'Advanced Cardiovascular Life Support (ACLS)'],
     ARRAY['B.Sc Nursing', 'Post Basic Diploma in Critical Care Nursing']),
    ('rahul.sharma@sample.carechain.test', '+91 9829047312', '1987-11-02', 'male',
     '22, Shanti Path, C-Scheme', 'Jaipur', 'Rajasthan',
     'Consultant Physician | MD General Medicine',
     'Physician with ten years in internal medicine, four of them as a consultant in a 300-bed '
     'hospital. Runs the medical step-down ward, manages diabetes, hypertension and tropical '
     'infections, and teaches DNB residents. Open to consultant and locum positions.',
     10, 'General Medicine', '{BLS,ACLS}', 180000.00, 60, '{full_time,locum}',
     '{Jaipur,"New Delhi",Gurugram}', 'verified', 'RMC/2013/38921', 'Rajasthan Medical Council',
     'pan', 'BQHPS4821L', 170.3, 165.9, NULL,
     ARRAY['ECG Interpretation', 'Advanced Cardiovascular Life Support (ACLS)',
           'Airway Management', 'Triage', 'Patient Counselling'],
     ARRAY['MBBS', 'MD General Medicine']),
    ('priya.nair@sample.carechain.test', '+91 9847220561', '1990-07-21', 'female',
     '38/1452, Chilavannur Road, Vyttila', 'Kochi', 'Kerala',
     'Labour Room Nurse-Midwife | 8 years',
     'Nurse-midwife with eight years in a high-volume labour room of about 350 deliveries a '
     'month. Monitors labour with the partograph, assists normal and instrumental deliveries and '
     'runs the newborn resuscitation corner. Trained in kangaroo mother care and lactation '
     'support.',
     8, 'Obstetric and Gynaecological Nursing', '{BLS,NRP}', 38000.00, 15,
     '{full_time,part_time}', '{Kochi,Thrissur,Kozhikode}', 'verified', 'KNMC-2014-117342',
     'Kerala Nurses and Midwives Council', 'aadhaar', 'XXXX XXXX 7310', 140.7, 138.2, NULL,
     ARRAY['Midwifery', 'Labour Room Management', 'Partograph Monitoring',
           'Normal Delivery Assistance', 'Neonatal Resuscitation Program (NRP)',
           'Breastfeeding Counselling'],
     ARRAY['General Nursing and Midwifery (GNM)', 'Post Basic B.Sc Nursing']),
    ('irfan.khan@sample.carechain.test', '+91 9848173925', '1994-05-09', 'male',
     'Flat 302, Rahmat Residency, Tolichowki', 'Hyderabad', 'Telangana',
     'Physiotherapist | Orthopaedic and sports rehabilitation',
     'Physiotherapist with four years in an orthopaedic hospital and a sports clinic. Plans '
     'rehabilitation after knee and shoulder replacement and ligament reconstruction, and treats '
     'sports injuries with manual therapy and graded exercise.',
     4, 'Orthopaedic Physiotherapy', '{BLS}', 35000.00, 7, '{full_time,part_time,per_diem}',
     '{Hyderabad,Bengaluru}', 'pending', 'IAP-L-28817', 'Indian Association of Physiotherapists',
     'passport', 'T4829173', 12.5, NULL, NULL,
     ARRAY['Manual Therapy', 'Therapeutic Exercise', 'Orthopaedic Rehabilitation',
           'Sports Physiotherapy', 'Electrotherapy'],
     ARRAY['Bachelor of Physiotherapy (BPT)', 'Master of Physiotherapy (MPT)']),
    ('kavya.reddy@sample.carechain.test', '+91 9849561207', '1995-01-30', 'female',
     '8-2-114, Dwaraka Nagar', 'Visakhapatnam', 'Andhra Pradesh',
     'Operation Theatre Nurse | scrub and circulating',
     'Theatre nurse with five years in general, laparoscopic and orthopaedic surgery. Scrubs for '
     'major cases, keeps instrument and swab counts, and trains new staff on the WHO surgical '
     'safety checklist.',
     5, 'Operation Theatre Nursing', '{BLS}', 32000.00, 20, '{full_time}',
     '{Visakhapatnam,Hyderabad,Vijayawada}', 'verified', 'APNMC-2018-22731',
     'Andhra Pradesh Nurses and Midwives Council', 'aadhaar', 'XXXX XXXX 1968', 121.5, 118.9,
     NULL,
     ARRAY['Operation Theatre Nursing', 'Scrub Nursing', 'Circulating Nursing',
           'Aseptic Technique', 'Laparoscopic Surgery Assistance'],
     ARRAY['B.Sc Nursing']),
    ('arjun.mehta@sample.carechain.test', '+91 9824630158', '1993-09-17', 'male',
     'A-12, Shivalik Apartments, Satellite', 'Ahmedabad', 'Gujarat',
     'Medical Laboratory Technologist | biochemistry and haematology',
     'Laboratory technologist with six years in a NABL-accredited laboratory. Runs automated '
     'biochemistry and haematology analysers, performs internal quality control, and does blood '
     'grouping and cross-matching for the blood bank.',
     6, 'Clinical Biochemistry', '{BLS,"ISO 15189 Internal Auditor"}', 28000.00, 10,
     '{full_time,contract}', '{Ahmedabad,Vadodara,Surat}', 'rejected', 'NCAHP-GJ-2023-004417',
     'National Commission for Allied and Healthcare Professions', 'voter_id', 'ZPL4821736',
     80.4, 77.1,
     'The registration certificate does not show the name on your ID document. Upload the '
     'certificate issued in your current name, or the gazette notification of the change.',
     ARRAY['Phlebotomy', 'Haematology Testing', 'Clinical Biochemistry',
           'Blood Grouping and Cross-matching', 'Laboratory Information System (LIS)'],
     ARRAY['B.Sc Medical Laboratory Technology']),
    ('sneha.patil@sample.carechain.test', '+91 9822315806', '1991-12-05', 'female',
     '5, Anand Park, Aundh', 'Pune', 'Maharashtra',
     'Clinical Pharmacist | antimicrobial stewardship',
     'Clinical pharmacist with seven years in hospital pharmacy. Reviews inpatient prescriptions '
     'for interactions and renal dosing, reports adverse drug reactions to the PvPI, and runs the '
     'antimicrobial stewardship audit with the infection control team.',
     7, 'Clinical Pharmacy', '{BLS}', 42000.00, 45, '{full_time}', '{Pune,Mumbai}', 'verified',
     'MSPC-2017-118240', 'Maharashtra State Pharmacy Council', 'aadhaar', 'XXXX XXXX 5507',
     101.8, 99.4, NULL,
     ARRAY['Clinical Pharmacy', 'Pharmacy Dispensing', 'Pharmacovigilance',
           'Pharmacy Inventory Management', 'Patient Counselling'],
     ARRAY['B.Pharm', 'Doctor of Pharmacy (Pharm.D)']),
    ('vikram.singh@sample.carechain.test', '+91 9839472610', '1984-04-26', 'male',
     '3/118, Vishal Khand, Gomti Nagar', 'Lucknow', 'Uttar Pradesh',
     'Consultant Anaesthesiologist | 12 years',
     'Anaesthesiologist with twelve years in general, obstetric and trauma anaesthesia, including '
     'difficult airways and ultrasound-guided nerve blocks. Covers the surgical ICU and is happy '
     'to take locum and on-call work.',
     12, 'Anaesthesiology', '{BLS,ACLS,ATLS}', 220000.00, 30, '{full_time,locum,per_diem}',
     '{Lucknow,Kanpur,"New Delhi"}', 'pending', 'UPMC-64513', 'Uttar Pradesh Medical Council',
     'aadhaar', 'XXXX XXXX 3094', 5.3, NULL, NULL,
     ARRAY['Airway Management', 'Endotracheal Intubation', 'Procedural Sedation Monitoring',
           'Ventilator Management', 'Advanced Cardiovascular Life Support (ACLS)',
           'Pain Assessment and Management'],
     ARRAY['MBBS', 'MD Anaesthesiology']),
    ('lakshmi.subramanian@sample.carechain.test', '+91 9840638214', '1997-08-11', 'female',
     '12, 2nd Main Road, Besant Nagar', 'Chennai', 'Tamil Nadu',
     'NICU Staff Nurse | level III neonatal unit',
     'Staff nurse with three years in a 40-cot level III NICU. Cares for preterm and ventilated '
     'newborns, manages phototherapy and umbilical lines, and supports mothers with kangaroo care '
     'and breastfeeding.',
     3, 'Neonatal Nursing', '{BLS,NRP,PALS}', 30000.00, 5, '{full_time,part_time}',
     '{Chennai,Coimbatore}', 'pending', 'TNNMC-2019-097652',
     'Tamil Nadu Nurses and Midwives Council', 'aadhaar', 'XXXX XXXX 6642', 2.1, NULL, NULL,
     ARRAY['NICU Nursing', 'Essential Newborn Care', 'Neonatal Phototherapy',
           'Kangaroo Mother Care', 'Neonatal Resuscitation Program (NRP)'],
     ARRAY['B.Sc Nursing']),
    ('rohan.das@sample.carechain.test', '+91 9830415572', '1989-02-18', 'male',
     '46/2, Lake Gardens', 'Kolkata', 'West Bengal',
     'Emergency Nurse | trauma and triage',
     'Emergency department nurse with nine years in a 60-bed emergency and trauma centre. Triages '
     'walk-in and ambulance patients, assists with resuscitation and intubation, and coordinates '
     'mass-casualty drills.',
     9, 'Emergency Nursing', '{BLS,ACLS,TNCC}', 40000.00, 14, '{full_time,contract,temporary}',
     '{Kolkata,Siliguri,Bhubaneswar}', 'rejected', 'WBNC-2012-088519',
     'West Bengal Nursing Council', 'driving_licence', 'WB01 20120045821', 60.6, 57.2,
     'The nursing council registration has expired. Upload the renewed West Bengal Nursing '
     'Council certificate.',
     ARRAY['Emergency Nursing', 'Triage', 'Trauma Nursing', 'Airway Management',
           'Trauma Nursing Core Course (TNCC)', 'Mass Casualty Management'],
     ARRAY['General Nursing and Midwifery (GNM)', 'Post Basic B.Sc Nursing']);

-- step: curated users
INSERT INTO users (email, password, first_name, last_name, role, is_active, is_verified,
                   date_joined)
SELECT p.email, pw.hash, p.first_name, p.last_name, p.role, true, true,
       now() - p.joined_days * interval '1 day'
FROM cc_sample_people p JOIN cc_sample_pw pw ON pw.email = p.email
ORDER BY p.ord;

-- step: curated hospitals
WITH h AS (
    INSERT INTO hospitals (name, registration_number, address, city, state, country,
                           phone_number, email, type, bed_capacity, website,
                           verification_status, verified_at, verified_by, rejection_reason,
                           created_by, created_at, updated_at)
    SELECT s.name, s.registration_number, s.address, s.city, s.state, 'India', s.phone_number,
           s.email, s.type, s.bed_capacity, s.website, s.status,
           CASE WHEN s.status = 'verified' THEN now() - s.decided_days * interval '1 day' END,
           CASE WHEN s.status = 'verified' THEN prm.admin_id END,
           s.rejection_reason, u.id,
           now() - (s.submitted_days + 0.1) * interval '1 day',
           now() - coalesce(s.decided_days, s.submitted_days) * interval '1 day'
    FROM cc_sample_hosp s
    CROSS JOIN cc_sample_param prm
    LEFT JOIN users u ON u.email = s.creator_email
    ORDER BY s.key
    RETURNING id, registration_number, created_by, verification_status, rejection_reason
), r AS (
    INSERT INTO verification_requests (hospital_id, submitted_by, status, registration_number,
                                       document_ids, notes, rejection_reason, decided_by,
                                       decided_at, submitted_at, updated_at)
    SELECT h.id, h.created_by, h.verification_status, h.registration_number, '{}',
           CASE WHEN h.verification_status = 'verified'
                THEN 'Registration checked against the Clinical Establishments register.' END,
           h.rejection_reason,
           CASE WHEN s.decided_days IS NOT NULL THEN prm.admin_id END,
           now() - s.decided_days * interval '1 day',
           now() - s.submitted_days * interval '1 day',
           now() - coalesce(s.decided_days, s.submitted_days) * interval '1 day'
    FROM h JOIN cc_sample_hosp s ON s.registration_number = h.registration_number
    CROSS JOIN cc_sample_param prm
    ORDER BY s.key
    RETURNING id, status, submitted_by, decided_by, rejection_reason, submitted_at, decided_at
)
INSERT INTO verification_events (request_id, status, actor_id, reason, created_at)
SELECT r.id, e.status, e.actor_id, e.reason, e.at
FROM r CROSS JOIN LATERAL (VALUES (1, 'pending', r.submitted_by, NULL, r.submitted_at),
                                  (2, r.status, r.decided_by, r.rejection_reason, r.decided_at))
     AS e (seq, status, actor_id, reason, at)
WHERE e.seq = 1 OR r.status <> 'pending'
ORDER BY r.id, e.seq;

-- step: curated candidate profiles
WITH p AS (
    INSERT INTO candidate_profiles (user_id, verification_status, phone_number, date_of_birth,
                                    gender, address, city, state, country, headline, summary,
                                    years_of_experience, specialization, certifications,
                                    expected_salary, available_from, preferred_job_types,
                                    preferred_locations, verified_at, verified_by,
                                    rejection_reason, created_at, updated_at)
    SELECT u.id, c.status, c.phone_number, c.date_of_birth, c.gender, c.address, c.city,
           c.state, 'India', c.headline, c.summary, c.years_of_experience, c.specialization,
           c.certifications, c.expected_salary, current_date + c.available_in_days,
           c.preferred_job_types, c.preferred_locations,
           CASE WHEN c.status = 'verified' THEN now() - c.decided_days * interval '1 day' END,
           CASE WHEN c.status = 'verified' THEN prm.admin_id END,
           c.rejection_reason, u.date_joined,
           now() - coalesce(c.decided_days, c.submitted_days) * interval '1 day'
    FROM cc_sample_cand c
    JOIN users u ON u.email = c.email
    CROSS JOIN cc_sample_param prm
    ORDER BY u.id
    RETURNING id, user_id
), r AS (
    INSERT INTO verification_requests (candidate_profile_id, submitted_by, status,
                                       license_number, registration_council, specialization,
                                       id_document_type, id_document_number, document_ids,
                                       notes, rejection_reason, decided_by, decided_at,
                                       submitted_at, updated_at)
    SELECT p.id, p.user_id, c.status, c.license_number, c.registration_council,
           c.specialization, c.id_document_type, c.id_document_number, '{}',
           CASE WHEN c.status = 'verified'
                THEN 'Registration checked against the council register.' END,
           c.rejection_reason,
           CASE WHEN c.decided_days IS NOT NULL THEN prm.admin_id END,
           now() - c.decided_days * interval '1 day',
           now() - c.submitted_days * interval '1 day',
           now() - coalesce(c.decided_days, c.submitted_days) * interval '1 day'
    FROM p JOIN users u ON u.id = p.user_id
    JOIN cc_sample_cand c ON c.email = u.email
    CROSS JOIN cc_sample_param prm
    ORDER BY p.id
    RETURNING id, status, submitted_by, decided_by, rejection_reason, submitted_at, decided_at
)
INSERT INTO verification_events (request_id, status, actor_id, reason, created_at)
SELECT r.id, e.status, e.actor_id, e.reason, e.at
FROM r CROSS JOIN LATERAL (VALUES (1, 'pending', r.submitted_by, NULL, r.submitted_at),
                                  (2, r.status, r.decided_by, r.rejection_reason, r.decided_at))
     AS e (seq, status, actor_id, reason, at)
WHERE e.seq = 1 OR r.status <> 'pending'
ORDER BY r.id, e.seq;

-- step: curated skills and qualifications
-- By name, as cli/data/*.tsv spells them; names missing from the master tables are skipped.
INSERT INTO candidate_skills (profile_id, skill_id)
SELECT DISTINCT p.id, s.id
FROM cc_sample_cand c
JOIN users u ON u.email = c.email
JOIN candidate_profiles p ON p.user_id = u.id
CROSS JOIN LATERAL unnest(c.skills) AS n (name)
JOIN skills s ON lower(s.name) = lower(n.name) AND s.is_active;
INSERT INTO candidate_qualifications (profile_id, qualification_id)
SELECT DISTINCT p.id, q.id
FROM cc_sample_cand c
JOIN users u ON u.email = c.email
JOIN candidate_profiles p ON p.user_id = u.id
CROSS JOIN LATERAL unnest(c.qualifications) AS n (name)
JOIN qualifications q ON lower(q.name) = lower(n.name) AND q.is_active;

-- step: curated recruiter profiles
-- Verified when linked to a verified hospital (from the later of the hospital's approval and
-- the recruiter's sign-up), else pending.
INSERT INTO recruiter_profiles (user_id, company_name, designation, phone_number,
                                company_address, hospital_id, verification_status, verified_at,
                                verified_by, created_at, updated_at)
SELECT u.id, h.name, r.designation, r.phone_number,
       h.address || ', ' || h.city || ', ' || h.state, h.id,
       CASE WHEN h.verification_status = 'verified' THEN 'verified' ELSE 'pending' END,
       CASE WHEN h.verification_status = 'verified'
            THEN greatest(h.verified_at, u.date_joined + interval '1 hour') END,
       CASE WHEN h.verification_status = 'verified' THEN prm.admin_id END,
       u.date_joined,
       greatest(u.date_joined, coalesce(h.verified_at, u.date_joined)) + interval '1 hour'
FROM cc_sample_rec r
JOIN users u ON u.email = r.email
JOIN cc_sample_hosp s ON s.key = r.hospital_key
JOIN hospitals h ON lower(h.registration_number) = lower(s.registration_number)
CROSS JOIN cc_sample_param prm
ORDER BY u.id;

-- step: curated jobs (plan)
-- 20 jobs at the three verified sample hospitals, posted by their recruiters. Days are counted
-- back from now(): expires_days > 0 is in the future, < 0 in the past (expired); closed_days:
-- the job was deactivated that many days ago (filled).
CREATE TEMP TABLE cc_sample_job (
    key              text PRIMARY KEY,
    hospital_key     text NOT NULL,
    recruiter_email  text NOT NULL,
    title            text NOT NULL,
    department       text NOT NULL,
    job_type         text NOT NULL,
    experience_level text NOT NULL,
    min_years        integer NOT NULL,
    salary_min       numeric(12, 2) NOT NULL,
    salary_max       numeric(12, 2) NOT NULL,
    pay_unit         text NOT NULL,
    shift            text NOT NULL,
    vacancies        integer NOT NULL,
    created_days     numeric NOT NULL,
    expires_days     numeric,
    closed_days      numeric,
    start_after      integer NOT NULL,       -- start_date = created date + start_after
    duration         integer,                -- end_date = start_date + duration
    description      text NOT NULL,
    requirements     text NOT NULL,
    skills           text[] NOT NULL,
    qualifications   text[] NOT NULL
) ON COMMIT DROP;
INSERT INTO cc_sample_job VALUES
    ('A1', 'A', 'manjunath.hegde@sample.carechain.test', 'ICU Staff Nurse', 'Medical ICU',
     'full_time', 'mid', 3, 32000, 42000, 'monthly', 'rotating', 6, 41.2, 25, NULL, 21, NULL,
     'Staff nurses for the 24-bed medical ICU of a 620-bed government teaching hospital. You '
     'will care for ventilated and haemodynamically unstable patients, keep central and arterial '
     'lines, and join the rapid response team. Rotating shifts, hostel accommodation available.',
     'B.Sc Nursing or GNM registered with the Karnataka State Nursing Council; at least 3 years '
     'in an ICU; valid BLS and ACLS.',
     ARRAY['Critical Care Nursing', 'Ventilator Management', 'Haemodynamic Monitoring',
           'Central Line Care', 'Advanced Cardiovascular Life Support (ACLS)'],
     ARRAY['B.Sc Nursing', 'General Nursing and Midwifery (GNM)']),
    ('A2', 'A', 'shalini.gowda@sample.carechain.test', 'Casualty Medical Officer',
     'Emergency Medicine', 'full_time', 'entry', 1, 85000, 100000, 'monthly', 'rotating', 4,
     33.6, NULL, NULL, 14, NULL,
     'Medical officers for the casualty and trauma unit (about 250 patients a day). Triage and '
     'resuscitate walk-in and referred patients, manage medico-legal cases and admit to the '
     'wards. Six-day week with rotating night duty.',
     'MBBS with permanent registration (NMC or Karnataka Medical Council); internship completed; '
     'ATLS preferred.',
     ARRAY['Triage', 'Airway Management', 'ECG Interpretation',
           'Advanced Trauma Life Support (ATLS)', 'Medico-legal Documentation'],
     ARRAY['MBBS']),
    ('A3', 'A', 'manjunath.hegde@sample.carechain.test', 'Labour Room Staff Nurse',
     'Obstetrics and Gynaecology', 'full_time', 'mid', 2, 28000, 36000, 'monthly', 'rotating',
     3, 70.4, 20, NULL, 30, NULL,
     'Nurse-midwives for a labour room of about 400 deliveries a month under the LaQshya '
     'programme. Monitor labour, assist normal deliveries, resuscitate newborns and support early '
     'breastfeeding.',
     'GNM or B.Sc Nursing with state registration; 2 years in a labour room; NRP certification.',
     ARRAY['Midwifery', 'Labour Room Management', 'Partograph Monitoring',
           'Normal Delivery Assistance', 'Neonatal Resuscitation Program (NRP)'],
     ARRAY['General Nursing and Midwifery (GNM)', 'B.Sc Nursing']),
    ('A4', 'A', 'shalini.gowda@sample.carechain.test', 'Operation Theatre Technician',
     'Operation Theatre', 'full_time', 'entry', 1, 18000, 24000, 'monthly', 'day', 2, 27.9, 40,
     NULL, 15, NULL,
     'OT technicians for a complex of eight theatres (general, orthopaedic and obstetric '
     'surgery). Prepare theatres and equipment, assist the anaesthesia team and run the CSSD '
     'cycle for the theatre sets.',
     'Diploma or B.Sc in Operation Theatre Technology; 1 year of theatre experience.',
     ARRAY['Operation Theatre Technology', 'Sterilisation and Disinfection', 'Aseptic Technique',
           'Anaesthesia Assistance'],
     ARRAY['Diploma in Operation Theatre Technology', 'B.Sc Operation Theatre Technology']),
    ('A5', 'A', 'manjunath.hegde@sample.carechain.test', 'NICU Staff Nurse (contract)',
     'Neonatology', 'contract', 'mid', 2, 30000, 38000, 'monthly', 'night', 2, 85.3, 15, NULL,
     10, 180,
     'Six-month contract in the 30-cot level III NICU while permanent posts are filled. Care for '
     'preterm and ventilated newborns, phototherapy and kangaroo mother care. Night shifts.',
     'B.Sc Nursing or GNM; 2 years in a NICU; NRP certification.',
     ARRAY['NICU Nursing', 'Essential Newborn Care', 'Neonatal Phototherapy',
           'Kangaroo Mother Care', 'Neonatal Resuscitation Program (NRP)'],
     ARRAY['B.Sc Nursing', 'General Nursing and Midwifery (GNM)']),
    ('A6', 'A', 'shalini.gowda@sample.carechain.test', 'Physiotherapist (part-time)',
     'Physical Medicine and Rehabilitation', 'part_time', 'mid', 2, 350, 450, 'hourly', 'day', 1,
     19.1, NULL, NULL, 10, NULL,
     'Part-time physiotherapist (four hours a day, six days a week) for inpatient rehabilitation '
     'on the orthopaedic, neurology and medical wards, including chest physiotherapy in the ICU.',
     'BPT with 2 years of inpatient experience.',
     ARRAY['Therapeutic Exercise', 'Orthopaedic Rehabilitation', 'Neurological Rehabilitation',
           'Chest Physiotherapy'],
     ARRAY['Bachelor of Physiotherapy (BPT)']),
    ('A7', 'A', 'shalini.gowda@sample.carechain.test', 'Medical Laboratory Technician',
     'Central Laboratory', 'full_time', 'entry', 1, 20000, 26000, 'monthly', 'rotating', 2,
     65.0, -20, NULL, 20, NULL,
     'Technicians for the 24-hour central laboratory: sample collection, haematology and '
     'biochemistry on automated analysers, and blood bank grouping and cross-matching.',
     'DMLT or B.Sc MLT; 1 year in a hospital laboratory.',
     ARRAY['Phlebotomy', 'Haematology Testing', 'Clinical Biochemistry',
           'Blood Grouping and Cross-matching'],
     ARRAY['Diploma in Medical Laboratory Technology (DMLT)',
           'B.Sc Medical Laboratory Technology']),
    ('A8', 'A', 'shalini.gowda@sample.carechain.test', 'Consultant Anaesthesiologist (locum)',
     'Anaesthesiology', 'locum', 'senior', 8, 12000, 15000, 'per_shift', 'flexible', 1, 88.2,
     NULL, 30.5, 7, 45,
     'Locum cover for six weeks of elective and emergency lists, obstetric anaesthesia and the '
     'surgical ICU while a consultant is on leave. Paid per 12-hour shift.',
     'MD or DNB Anaesthesiology (or DA with 10 years); 8 years after postgraduation.',
     ARRAY['Airway Management', 'Endotracheal Intubation', 'Procedural Sedation Monitoring',
           'Advanced Cardiovascular Life Support (ACLS)'],
     ARRAY['MD Anaesthesiology', 'Diploma in Anaesthesia (DA)']),
    ('B1', 'B', 'neha.kulkarni@sample.carechain.test', 'Emergency Staff Nurse', 'Emergency',
     'full_time', 'mid', 3, 35000, 45000, 'monthly', 'rotating', 3, 38.7, 30, NULL, 21, NULL,
     'Staff nurses for a 20-bed emergency department with a trauma bay and a chest pain unit. '
     'Triage, resuscitation, procedural support and handover to the wards. NABH-accredited '
     'hospital; transport for night shifts.',
     'GNM or B.Sc Nursing with Maharashtra Nursing Council registration; 3 years in emergency '
     'care; BLS and ACLS.',
     ARRAY['Emergency Nursing', 'Triage', 'Trauma Nursing', 'IV Cannulation',
           'Basic Life Support (BLS)'],
     ARRAY['General Nursing and Midwifery (GNM)', 'B.Sc Nursing']),
    ('B2', 'B', 'neha.kulkarni@sample.carechain.test', 'Clinical Pharmacist', 'Pharmacy',
     'full_time', 'mid', 4, 40000, 55000, 'monthly', 'day', 1, 30.3, 45, NULL, 30, NULL,
     'Clinical pharmacist on the ward rounds of medicine and surgery: prescription review, renal '
     'dosing, adverse drug reaction reporting and the antimicrobial stewardship programme.',
     'Pharm.D, or B.Pharm with 4 years of clinical pharmacy; registered with the Maharashtra '
     'State Pharmacy Council.',
     ARRAY['Clinical Pharmacy', 'Pharmacovigilance', 'Pharmacy Dispensing',
           'Patient Counselling'],
     ARRAY['Doctor of Pharmacy (Pharm.D)', 'B.Pharm']),
    ('B3', 'B', 'neha.kulkarni@sample.carechain.test',
     'Physiotherapist - Orthopaedic Rehabilitation', 'Orthopaedics', 'full_time', 'mid', 3,
     35000, 45000, 'monthly', 'day', 1, 12.4, NULL, NULL, 15, NULL,
     'Physiotherapist for the joint replacement and sports injury programme: pre-operative '
     'assessment, early mobilisation and outpatient rehabilitation.',
     'BPT (MPT preferred) with 3 years in orthopaedic rehabilitation.',
     ARRAY['Orthopaedic Rehabilitation', 'Manual Therapy', 'Sports Physiotherapy',
           'Electrotherapy', 'Therapeutic Exercise'],
     ARRAY['Bachelor of Physiotherapy (BPT)', 'Master of Physiotherapy (MPT)']),
    ('B4', 'B', 'neha.kulkarni@sample.carechain.test', 'Consultant Physician - Internal Medicine',
     'Internal Medicine', 'full_time', 'senior', 8, 2400000, 3600000, 'yearly', 'day', 1, 47.8,
     60, NULL, 45, NULL,
     'Consultant to lead a medical unit of 30 beds with outpatient clinics and on-call cover for '
     'the emergency department and ICU. Fixed pay plus a share of consultation fees.',
     'MD or DNB General Medicine; 8 years after postgraduation, 3 of them as a consultant.',
     ARRAY['ECG Interpretation', 'Advanced Cardiovascular Life Support (ACLS)',
           'Patient Counselling', 'Clinical Audit'],
     ARRAY['MD General Medicine', 'DNB General Medicine']),
    ('B5', 'B', 'neha.kulkarni@sample.carechain.test', 'Operation Theatre Staff Nurse',
     'Operation Theatre', 'full_time', 'mid', 3, 30000, 40000, 'monthly', 'rotating', 2, 55.6,
     10, NULL, 21, NULL,
     'Scrub and circulating nurses for general, laparoscopic and orthopaedic surgery in a '
     'six-theatre complex, including the emergency theatre on call.',
     'B.Sc Nursing or GNM; 3 years of OT experience; familiar with the WHO surgical safety '
     'checklist.',
     ARRAY['Operation Theatre Nursing', 'Scrub Nursing', 'Circulating Nursing',
           'Laparoscopic Surgery Assistance', 'Aseptic Technique'],
     ARRAY['B.Sc Nursing', 'General Nursing and Midwifery (GNM)']),
    ('B6', 'B', 'neha.kulkarni@sample.carechain.test', 'Pharmacist - Weekend Cover', 'Pharmacy',
     'per_diem', 'entry', 1, 1500, 1800, 'daily', 'flexible', 2, 50.2, -10, NULL, 7, NULL,
     'Weekend and holiday cover at the 24-hour inpatient pharmacy: dispensing to wards, '
     'narcotics register and stock checks. Paid per day worked.',
     'D.Pharm or B.Pharm registered with the Maharashtra State Pharmacy Council.',
     ARRAY['Pharmacy Dispensing', 'Pharmacy Inventory Management', 'Medication Administration'],
     ARRAY['Diploma in Pharmacy (D.Pharm)', 'B.Pharm']),
    ('C1', 'C', 'senthil.kumar@sample.carechain.test', 'Cardiac ICU Staff Nurse',
     'Cardiac Intensive Care', 'full_time', 'mid', 3, 35000, 48000, 'monthly', 'rotating', 4,
     60.1, 35, NULL, 21, NULL,
     'Staff nurses for the 18-bed cardiac surgical ICU (about 60 open-heart operations a month). '
     'Post-operative ventilation, inotropes, chest drains, pacing and balloon pump care.',
     'B.Sc Nursing with critical care experience of 3 years, cardiac ICU preferred; BLS and ACLS.',
     ARRAY['Cardiac ICU Nursing', 'Cardiothoracic Nursing', 'Haemodynamic Monitoring',
           'Ventilator Management', 'Defibrillator Operation'],
     ARRAY['B.Sc Nursing', 'Post Basic Diploma in Critical Care Nursing']),
    ('C2', 'C', 'senthil.kumar@sample.carechain.test', 'Cath Lab Technologist', 'Cardiology',
     'full_time', 'mid', 3, 30000, 42000, 'monthly', 'day', 1, 22.5, NULL, NULL, 20, NULL,
     'Technologist for two cath labs (angiography, angioplasty, pacemakers and EP studies): '
     'haemodynamic recording, equipment and radiation safety, on call for primary angioplasty.',
     'B.Sc Cardiac Care Technology; 3 years in a cath lab; AERB radiation safety training.',
     ARRAY['Cath Lab Technology', 'C-arm Fluoroscopy Operation', 'Radiation Safety (AERB)',
           'ECG Recording'],
     ARRAY['B.Sc Cardiac Care Technology']),
    ('C3', 'C', 'senthil.kumar@sample.carechain.test', 'Cardiac Anaesthesiologist',
     'Cardiac Anaesthesia', 'full_time', 'senior', 6, 200000, 280000, 'monthly', 'day', 1, 44.0,
     50, NULL, 45, NULL,
     'Consultant for adult and paediatric cardiac surgery: anaesthesia, intra-operative TEE and '
     'the post-operative cardiac ICU, with a one-in-four on-call rota.',
     'MD or DNB Anaesthesiology with a cardiac anaesthesia fellowship; 6 years after '
     'postgraduation.',
     ARRAY['Airway Management', 'Endotracheal Intubation', 'Haemodynamic Monitoring',
           'Echocardiography', 'Advanced Cardiovascular Life Support (ACLS)'],
     ARRAY['MD Anaesthesiology']),
    ('C4', 'C', 'senthil.kumar@sample.carechain.test',
     'Laboratory Technician - Cardiac Biochemistry', 'Laboratory Medicine', 'temporary', 'entry',
     1, 22000, 28000, 'monthly', 'day', 1, 25.7, 21, NULL, 10, 90,
     'Three-month post to run cardiac markers and lipid profiles on the new analyser while it is '
     'validated and interfaced with the laboratory information system.',
     'B.Sc or M.Sc MLT; 1 year on automated biochemistry analysers.',
     ARRAY['Clinical Biochemistry', 'Phlebotomy', 'Laboratory Information System (LIS)',
           'Laboratory Analyser Interfacing'],
     ARRAY['B.Sc Medical Laboratory Technology', 'M.Sc Medical Laboratory Technology']),
    ('C5', 'C', 'senthil.kumar@sample.carechain.test', 'Hospital Pharmacist (night)', 'Pharmacy',
     'full_time', 'entry', 1, 22000, 28000, 'monthly', 'night', 1, 80.9, NULL, 25.2, 21, NULL,
     'Night pharmacist for the inpatient and emergency pharmacy: dispensing, high-alert '
     'medicines, stock and cold chain checks.',
     'D.Pharm or B.Pharm registered with the Tamil Nadu Pharmacy Council.',
     ARRAY['Pharmacy Dispensing', 'Medication Administration', 'Pharmacy Inventory Management',
           'Pharmacovigilance'],
     ARRAY['B.Pharm', 'Diploma in Pharmacy (D.Pharm)']),
    ('C6', 'C', 'senthil.kumar@sample.carechain.test', 'Resident Medical Officer - Cardiology',
     'Cardiology', 'full_time', 'entry', 1, 90000, 110000, 'monthly', 'night', 2, 15.3, 28, NULL,
     14, NULL,
     'Night RMO for the cardiology wards and coronary care unit: admissions, thrombolysis, '
     'arrhythmia management and escalation to the on-call cardiologist.',
     'MBBS with permanent registration; 1 year after internship, ACLS.',
     ARRAY['ECG Interpretation', 'Advanced Cardiovascular Life Support (ACLS)',
           'Defibrillator Operation', 'Triage'],
     ARRAY['MBBS']);

INSERT INTO cc_job_plan
SELECT nextval('jobs_id_seq'), h.id, rp.id, u.id, j.title, j.description, j.requirements,
       j.department, h.address || ', ' || h.city, h.city, h.state, j.job_type,
       j.experience_level, j.min_years, j.salary_min, j.salary_max, j.pay_unit, j.shift,
       c.created::date + j.start_after,
       c.created::date + j.start_after + j.duration,
       j.vacancies, j.closed_days IS NULL, c.created,
       CASE WHEN j.closed_days IS NULL THEN c.created
            ELSE now() - j.closed_days * interval '1 day' END,
       now() + j.expires_days * interval '1 day',
       j.skills, j.qualifications, NULL
FROM (SELECT * FROM cc_sample_job ORDER BY key) j
CROSS JOIN LATERAL (SELECT now() - j.created_days * interval '1 day' AS created) c
JOIN cc_sample_hosp s ON s.key = j.hospital_key
JOIN hospitals h ON lower(h.registration_number) = lower(s.registration_number)
JOIN users u ON u.email = j.recruiter_email
JOIN recruiter_profiles rp ON rp.user_id = u.id AND rp.hospital_id = h.id;

-- 50 applications: (candidate, job, status); reached as in cc_app_plan; assignment, rating and
-- feedback for the hired ones; notes are the recruiter's.
CREATE TEMP TABLE cc_sample_app (
    ord        integer PRIMARY KEY,
    candidate  text NOT NULL,               -- the part of the email before @
    job_key    text NOT NULL,
    status     text NOT NULL,
    reached    integer NOT NULL,
    notes      text NOT NULL,
    assignment text,
    rating     integer,
    feedback   text
) ON COMMIT DROP;
INSERT INTO cc_sample_app VALUES
    (1, 'ananya.iyer', 'C1', 'hired', 1, 'Strong ventilator and post-cardiac-surgery experience.'
     ' Joins the cardiac ICU rota.', 'active', NULL, NULL),
    (2, 'ananya.iyer', 'B1', 'offered', 1, 'Offer sent at the upper end of the band.', NULL, NULL,
     NULL),
    (3, 'ananya.iyer', 'A1', 'withdrawn', 2, '', NULL, NULL, NULL),
    (4, 'ananya.iyer', 'A5', 'rejected', 1, 'No NICU experience.', NULL, NULL, NULL),
    (5, 'ananya.iyer', 'B5', 'applied', 1, '', NULL, NULL, NULL),
    (6, 'priya.nair', 'A5', 'hired', 1, 'Experienced with newborn resuscitation.', 'completed', 4,
     'Reliable on nights and good with the mothers; documentation sometimes late. Completed '
     'the six-month contract.'),
    (7, 'priya.nair', 'A3', 'hired', 1, 'Moved from the NICU contract to a permanent labour room '
     'post.', 'active', NULL, NULL),
    (8, 'priya.nair', 'C1', 'offered', 1, '', NULL, NULL, NULL),
    (9, 'priya.nair', 'B1', 'interviewing', 1, 'Panel interview with the nursing head.', NULL,
     NULL, NULL),
    (10, 'priya.nair', 'A1', 'reviewed', 1, '', NULL, NULL, NULL),
    (11, 'kavya.reddy', 'B5', 'hired', 1, 'Scrubbed for laparoscopic lists; good checklist '
     'discipline.', 'active', NULL, NULL),
    (12, 'kavya.reddy', 'A4', 'shortlisted', 1, '', NULL, NULL, NULL),
    (13, 'kavya.reddy', 'A1', 'reviewed', 1, '', NULL, NULL, NULL),
    (14, 'kavya.reddy', 'C2', 'applied', 1, '', NULL, NULL, NULL),
    (15, 'kavya.reddy', 'C1', 'rejected', 3, 'No cardiac surgical ICU experience yet.', NULL,
     NULL, NULL),
    (16, 'lakshmi.subramanian', 'A5', 'interviewing', 1, 'Skills test in the NICU on Monday.',
     NULL, NULL, NULL),
    (17, 'lakshmi.subramanian', 'C1', 'shortlisted', 1, '', NULL, NULL, NULL),
    (18, 'lakshmi.subramanian', 'A3', 'applied', 1, '', NULL, NULL, NULL),
    (19, 'lakshmi.subramanian', 'B1', 'rejected', 1, 'Needs adult emergency experience.', NULL,
     NULL, NULL),
    (20, 'lakshmi.subramanian', 'A1', 'reviewed', 1, '', NULL, NULL, NULL),
    (21, 'rohan.das', 'B1', 'shortlisted', 1, 'Nursing council registration to be renewed before '
     'joining.', NULL, NULL, NULL),
    (22, 'rohan.das', 'A1', 'applied', 1, '', NULL, NULL, NULL),
    (23, 'rohan.das', 'C1', 'rejected', 2, '', NULL, NULL, NULL),
    (24, 'rohan.das', 'B5', 'withdrawn', 1, '', NULL, NULL, NULL),
    (25, 'rohan.das', 'C2', 'reviewed', 1, '', NULL, NULL, NULL),
    (26, 'rahul.sharma', 'A8', 'hired', 1, 'Covers the six-week locum.', 'completed', 5,
     'Excellent cover: ran the emergency lists calmly and taught the residents. Would book '
     'again.'),
    (27, 'rahul.sharma', 'B4', 'offered', 1, 'Offer at 32 LPA; awaiting acceptance.', NULL, NULL,
     NULL),
    (28, 'rahul.sharma', 'C6', 'interviewing', 1, '', NULL, NULL, NULL),
    (29, 'rahul.sharma', 'A2', 'withdrawn', 3, '', NULL, NULL, NULL),
    (30, 'rahul.sharma', 'C3', 'rejected', 2, 'Not an anaesthesiologist.', NULL, NULL, NULL),
    (31, 'vikram.singh', 'C3', 'interviewing', 1, 'Second interview with the chief cardiac '
     'surgeon.', NULL, NULL, NULL),
    (32, 'vikram.singh', 'A8', 'rejected', 2, 'Locum already filled.', NULL, NULL, NULL),
    (33, 'vikram.singh', 'A2', 'shortlisted', 1, '', NULL, NULL, NULL),
    (34, 'vikram.singh', 'B4', 'applied', 1, '', NULL, NULL, NULL),
    (35, 'vikram.singh', 'C6', 'reviewed', 1, '', NULL, NULL, NULL),
    (36, 'irfan.khan', 'A6', 'shortlisted', 1, '', NULL, NULL, NULL),
    (37, 'irfan.khan', 'B3', 'interviewing', 1, 'Practical assessment with a knee replacement '
     'patient.', NULL, NULL, NULL),
    (38, 'irfan.khan', 'A4', 'applied', 1, '', NULL, NULL, NULL),
    (39, 'irfan.khan', 'C2', 'rejected', 1, 'Needs a cardiac care technology degree.', NULL,
     NULL, NULL),
    (40, 'arjun.mehta', 'A7', 'rejected', 2, 'Registration documents could not be verified.',
     NULL, NULL, NULL),
    (41, 'arjun.mehta', 'C4', 'shortlisted', 1, '', NULL, NULL, NULL),
    (42, 'arjun.mehta', 'C2', 'applied', 1, '', NULL, NULL, NULL),
    (43, 'arjun.mehta', 'A4', 'withdrawn', 1, '', NULL, NULL, NULL),
    (44, 'sneha.patil', 'C5', 'hired', 1, 'Joins the night pharmacy.', 'terminated', NULL, NULL),
    (45, 'sneha.patil', 'B2', 'offered', 1, 'Offer sent; notice period 30 days.', NULL, NULL,
     NULL),
    (46, 'sneha.patil', 'B6', 'reviewed', 1, '', NULL, NULL, NULL),
    (47, 'lakshmi.subramanian', 'B5', 'applied', 1, '', NULL, NULL, NULL),
    (48, 'rohan.das', 'A5', 'applied', 1, '', NULL, NULL, NULL),
    (49, 'priya.nair', 'B5', 'applied', 1, '', NULL, NULL, NULL),
    (50, 'kavya.reddy', 'B1', 'reviewed', 1, '', NULL, NULL, NULL);

INSERT INTO cc_app_plan (id, job_id, candidate_id, status, reached, frac, opening, notes,
                         assignment, rating, feedback)
SELECT nextval('applications_id_seq'), jp.id, p.id, a.status, a.reached,
       0.05 + (a.ord * 37 % 60) / 100.0, a.ord % 3, a.notes, a.assignment, a.rating, a.feedback
FROM (SELECT * FROM cc_sample_app ORDER BY ord) a
JOIN cc_sample_job j ON j.key = a.job_key
JOIN cc_sample_hosp s ON s.key = j.hospital_key
JOIN hospitals h ON lower(h.registration_number) = lower(s.registration_number)
JOIN cc_job_plan jp ON jp.hospital_id = h.id AND jp.title = j.title
JOIN users u ON u.email = a.candidate || '@sample.carechain.test'
JOIN candidate_profiles p ON p.user_id = u.id;

-- step: scaled setup
ANALYZE cc_sample_param;
-- Lookup tables for the generated rows. Regions keep names and cities together (5 cities,
-- 10 female and 10 male first names, 10 family names each); professions carry what a
-- candidate of that kind fills in (6 skills of which the first 3-6 are linked, 2
-- qualifications of which the first 1-2 are linked).
CREATE TEMP TABLE cc_gen_region (
    rg      integer PRIMARY KEY,
    cities  text[] NOT NULL,
    states  text[] NOT NULL,
    codes   text[] NOT NULL,
    stds    text[] NOT NULL,           -- telephone trunk codes of the cities
    female  text[] NOT NULL,
    male    text[] NOT NULL,
    family  text[] NOT NULL,
    streets text[] NOT NULL
) ON COMMIT DROP;
INSERT INTO cc_gen_region VALUES
    (0, '{Chennai,Coimbatore,Madurai,Tiruchirappalli,Salem}',
     '{"Tamil Nadu","Tamil Nadu","Tamil Nadu","Tamil Nadu","Tamil Nadu"}', '{TN,TN,TN,TN,TN}',
     '{44,422,452,431,427}',
     '{Lakshmi,Priya,Divya,Kavitha,Meena,Revathi,Saranya,Deepika,Gayathri,Nandhini}',
     '{Karthik,Senthil,Arun,Vignesh,Prakash,Suresh,Ramesh,Balaji,Dinesh,Harish}',
     '{Subramanian,Krishnan,Rajendran,Murugan,Natarajan,Venkatesan,Ramasamy,Sundaram,Raghavan,'
     'Shanmugam}',
     '{"Anna Salai","Gandhi Road","Nehru Street","Kamarajar Salai","Periyar Nagar"}'),
    (1, '{Bengaluru,Mysuru,Mangaluru,Hubballi,Belagavi}',
     '{Karnataka,Karnataka,Karnataka,Karnataka,Karnataka}', '{KA,KA,KA,KA,KA}',
     '{80,821,824,836,831}',
     '{Ananya,Shwetha,Pooja,Rashmi,Kavya,Sowmya,Bhavya,Spoorthi,Deepa,Harini}',
     '{Manjunath,Prashanth,Raghavendra,Santosh,Kiran,Naveen,Sandeep,Girish,Mahesh,Vinay}',
     '{Gowda,Hegde,Shetty,Rao,Kulkarni,Bhat,Naik,Patil,Kamath,Shenoy}',
     '{"MG Road","Sayyaji Rao Road","Brigade Road","Kuvempu Nagar","Vidyanagar"}'),
    (2, '{Kochi,Thiruvananthapuram,Kozhikode,Thrissur,Kollam}',
     '{Kerala,Kerala,Kerala,Kerala,Kerala}', '{KL,KL,KL,KL,KL}',
     '{484,471,495,487,474}',
     '{Anjali,Aswathy,Neethu,Reshma,Sreeja,Athira,Jisha,Soumya,Remya,Anitha}',
     '{Nithin,Vishnu,Akhil,Sreejith,Anoop,Jithin,Midhun,Arjun,Rahul,Sanjay}',
     '{Nair,Menon,Pillai,Kurian,Thomas,Varghese,Joseph,Panicker,Warrier,Mathew}',
     '{"MG Road","Temple Road","Beach Road","Market Road","Church Road"}'),
    (3, '{Hyderabad,Visakhapatnam,Vijayawada,Warangal,Tirupati}',
     '{Telangana,"Andhra Pradesh","Andhra Pradesh",Telangana,"Andhra Pradesh"}',
     '{TS,AP,AP,TS,AP}', '{40,891,866,870,877}',
     '{Sravani,Swathi,Keerthi,Lavanya,Sirisha,Bhavani,Harika,Mounika,Pavani,Sindhu}',
     '{Srinivas,Venkatesh,Ravi,Naresh,Srikanth,Praveen,Chaitanya,Anil,Sai,Mahesh}',
     '{Reddy,Naidu,Chowdary,Varma,Raju,Goud,Rao,Sastry,Prasad,Murthy}',
     '{"Road No. 12","Beach Road","Bandar Road","Station Road","Tilak Road"}'),
    (4, '{Mumbai,Pune,Nagpur,Ahmedabad,Surat}',
     '{Maharashtra,Maharashtra,Maharashtra,Gujarat,Gujarat}', '{MH,MH,MH,GJ,GJ}',
     '{22,20,712,79,261}',
     '{Sneha,Pooja,Aishwarya,Rutuja,Prajakta,Hetal,Krupa,Nidhi,Mansi,Komal}',
     '{Amit,Rohit,Sagar,Tushar,Nikhil,Hardik,Jignesh,Chirag,Omkar,Pratik}',
     '{Patil,Deshmukh,Joshi,Kulkarni,Pawar,Shinde,Patel,Shah,Desai,Mehta}',
     '{"LBS Marg","FC Road","Wardha Road","CG Road","Ring Road"}'),
    (5, '{Lucknow,"New Delhi",Jaipur,Chandigarh,Indore}',
     '{"Uttar Pradesh",Delhi,Rajasthan,Chandigarh,"Madhya Pradesh"}', '{UP,DL,RJ,CH,MP}',
     '{522,11,141,172,731}',
     '{Neha,Shivani,Priyanka,Ritu,Simran,Nisha,Kirti,Aarti,Pallavi,Anjali}',
     '{Rahul,Vikram,Rajesh,Gaurav,Ankit,Manish,Saurabh,Harpreet,Deepak,Amit}',
     '{Sharma,Verma,Singh,Gupta,Agarwal,Yadav,Srivastava,Mishra,Chauhan,Tiwari}',
     '{"Station Road","Mall Road","Civil Lines","Sector 17","MG Road"}'),
    (6, '{Kolkata,Bhubaneswar,Patna,Guwahati,Ranchi}',
     '{"West Bengal",Odisha,Bihar,Assam,Jharkhand}', '{WB,OD,BR,AS,JH}',
     '{33,674,612,361,651}',
     '{Riya,Moumita,Sudeshna,Ananya,Priyanka,Swati,Tanushree,Ipsita,Puja,Bidisha}',
     '{Sourav,Arnab,Subhajit,Debashis,Abhishek,Rajib,Manas,Pritam,Bikash,Ranjit}',
     '{Das,Ghosh,Banerjee,Chatterjee,Mukherjee,Sen,Mohanty,Patnaik,Sinha,Bora}',
     '{"Park Street","Janpath","Boring Road","GS Road","Main Road"}'),
    (7, '{Hyderabad,Lucknow,Bhopal,Aligarh,Srinagar}',
     '{Telangana,"Uttar Pradesh","Madhya Pradesh","Uttar Pradesh","Jammu and Kashmir"}',
     '{TS,UP,MP,UP,JK}', '{40,522,755,571,194}',
     '{Ayesha,Fatima,Zainab,Sana,Nazia,Shabana,Farah,Rukhsar,Sameena,Heena}',
     '{Imran,Faisal,Arshad,Salman,Irfan,Tariq,Javed,Aamir,Shahid,Naveed}',
     '{Khan,Siddiqui,Ansari,Shaikh,Qureshi,Syed,Mirza,Hussain,Pathan,Baig}',
     '{"Mehdipatnam Road","Aminabad Road","Hamidia Road","Marris Road","Residency Road"}');

CREATE TEMP TABLE cc_gen_prof (
    t             integer PRIMARY KEY,
    nurse         boolean NOT NULL,    -- mostly women; registered with the state nursing council
    headline      text NOT NULL,
    specialization text NOT NULL,
    summary_a     text NOT NULL,       -- summary = a || years || b || city || c
    summary_b     text NOT NULL,
    summary_c     text NOT NULL,
    council       text,                -- NULL: state || council_suffix
    council_suffix text,
    license_code  text NOT NULL,       -- license = [state code ||] code || '-' || year || '-' || n
    state_license boolean NOT NULL,
    certifications text[] NOT NULL,
    salary_base   integer NOT NULL,
    salary_step   integer NOT NULL,
    job_types     text[] NOT NULL,     -- the first 1-3 are preferred
    skills        text[] NOT NULL,
    qualifications text[] NOT NULL
) ON COMMIT DROP;
INSERT INTO cc_gen_prof VALUES
    (0, true, 'ICU Staff Nurse', 'Critical Care Nursing',
     'Registered ICU nurse with ', ' years of experience in adult critical care, most recently in ',
     '. Manages ventilated patients, central lines and rapid response calls.',
     NULL, ' Nursing Council', 'NC', true, '{BLS,ACLS}', 24000, 1500,
     '{full_time,contract,part_time}',
     ARRAY['Critical Care Nursing', 'Ventilator Management', 'Haemodynamic Monitoring',
           'Central Line Care', 'Arterial Blood Gas Sampling',
           'Advanced Cardiovascular Life Support (ACLS)'],
     ARRAY['B.Sc Nursing', 'Post Basic Diploma in Critical Care Nursing']),
    (1, true, 'Operation Theatre Nurse', 'Operation Theatre Nursing',
     'Theatre nurse with ', ' years of scrub and circulating experience, most recently in ',
     '. Keeps instrument and swab counts and follows the WHO surgical safety checklist.',
     NULL, ' Nursing Council', 'NC', true, '{BLS}', 22000, 1400,
     '{full_time,temporary,contract}',
     ARRAY['Operation Theatre Nursing', 'Scrub Nursing', 'Circulating Nursing',
           'Aseptic Technique', 'Sterilisation and Disinfection', 'Post-Anaesthesia Care'],
     ARRAY['General Nursing and Midwifery (GNM)', 'Post Basic B.Sc Nursing']),
    (2, true, 'Labour Room Nurse-Midwife', 'Obstetric and Gynaecological Nursing',
     'Nurse-midwife with ', ' years in busy labour rooms, most recently in ',
     '. Monitors labour with the partograph and assists normal deliveries.',
     NULL, ' Nursing Council', 'NC', true, '{BLS,NRP}', 22000, 1300,
     '{full_time,part_time,per_diem}',
     ARRAY['Midwifery', 'Labour Room Management', 'Partograph Monitoring',
           'Normal Delivery Assistance', 'Neonatal Resuscitation Program (NRP)',
           'Breastfeeding Counselling'],
     ARRAY['General Nursing and Midwifery (GNM)',
           'Certificate in Maternal and Child Health Nursing']),
    (3, true, 'NICU Staff Nurse', 'Neonatal Nursing',
     'Neonatal nurse with ', ' years in level II and III NICUs, most recently in ',
     '. Cares for preterm and ventilated newborns and supports kangaroo mother care.',
     NULL, ' Nursing Council', 'NC', true, '{BLS,NRP,PALS}', 23000, 1400,
     '{full_time,part_time,contract}',
     ARRAY['NICU Nursing', 'Essential Newborn Care', 'Neonatal Phototherapy',
           'Kangaroo Mother Care', 'Neonatal Resuscitation Program (NRP)', 'Paediatric Nursing'],
     ARRAY['B.Sc Nursing', 'M.Sc Nursing']),
    (4, false, 'Duty Medical Officer', 'General Medicine',
     'Doctor with ', ' years in casualty and inpatient medicine, most recently in ',
     '. Handles emergency admissions, night duties and medico-legal cases.',
     'National Medical Commission', NULL, 'NMC', false, '{BLS,ACLS}', 75000, 6000,
     '{full_time,locum,per_diem}',
     ARRAY['ECG Interpretation', 'Advanced Cardiovascular Life Support (ACLS)', 'Triage',
           'Airway Management', 'Patient Counselling', 'Medico-legal Documentation'],
     ARRAY['MBBS', 'MD General Medicine']),
    (5, false, 'Physiotherapist', 'Orthopaedic Physiotherapy',
     'Physiotherapist with ', ' years in orthopaedic and neuro rehabilitation, most recently in ',
     '. Plans post-operative rehabilitation and home exercise programmes.',
     'Indian Association of Physiotherapists', NULL, 'IAP-L', false, '{BLS}', 20000, 1500,
     '{full_time,part_time,per_diem}',
     ARRAY['Manual Therapy', 'Therapeutic Exercise', 'Orthopaedic Rehabilitation',
           'Electrotherapy', 'Neurological Rehabilitation', 'Chest Physiotherapy'],
     ARRAY['Bachelor of Physiotherapy (BPT)', 'Master of Physiotherapy (MPT)']),
    (6, false, 'Medical Laboratory Technologist', 'Clinical Biochemistry',
     'Laboratory technologist with ', ' years in NABL-accredited laboratories, most recently in ',
     '. Runs automated analysers and internal quality control.',
     'National Commission for Allied and Healthcare Professions', NULL, 'NCAHP', false,
     '{BLS}', 18000, 1200, '{full_time,contract,temporary}',
     ARRAY['Phlebotomy', 'Haematology Testing', 'Clinical Biochemistry',
           'Microbiology Culture and Sensitivity', 'Blood Grouping and Cross-matching',
           'Laboratory Information System (LIS)'],
     ARRAY['Diploma in Medical Laboratory Technology (DMLT)',
           'B.Sc Medical Laboratory Technology']),
    (7, false, 'Hospital Pharmacist', 'Clinical Pharmacy',
     'Pharmacist with ', ' years in hospital pharmacy, most recently in ',
     '. Dispenses for wards and OPD, reviews prescriptions and reports adverse drug reactions.',
     NULL, ' State Pharmacy Council', 'PC', true, '{BLS}', 20000, 1300,
     '{full_time,part_time,contract}',
     ARRAY['Pharmacy Dispensing', 'Clinical Pharmacy', 'Pharmacovigilance',
           'Pharmacy Inventory Management', 'Patient Counselling', 'Medication Administration'],
     ARRAY['Diploma in Pharmacy (D.Pharm)', 'B.Pharm']),
    (8, false, 'Radiographer', 'Radiography',
     'Radiographer with ', ' years in X-ray, CT and MRI, most recently in ',
     '. Follows AERB radiation safety rules and keeps PACS worklists moving.',
     'National Commission for Allied and Healthcare Professions', NULL, 'NCAHP', false,
     '{BLS}', 19000, 1300, '{full_time,contract,temporary}',
     ARRAY['Radiography', 'CT Scan Operation', 'MRI Operation', 'Radiation Safety (AERB)',
           'C-arm Fluoroscopy Operation', 'PACS Administration'],
     ARRAY['Diploma in Medical Radiology Technology',
           'B.Sc Radiology and Imaging Technology']);

-- step: scaled hospitals (plan)
-- Hospital h (unit k = (h + 4) / 5, slot j = (h - 1) % 5): slots 0-2 verified, 3 pending,
-- 4 rejected; the type cycles so the three verified ones of a unit differ. Slot j is created
-- by recruiter 5(k-1) + (1, 3, 4, 5)[j + 1]; the rejected one (slot 4) by nobody left.
CREATE TEMP TABLE cc_gen_hosp ON COMMIT DROP AS
SELECT y.*,
       CASE WHEN y.status <> 'pending'
            THEN y.submitted_at + (1 + (y.hh >> 10) % 5) * interval '1 day' END AS decided_at
FROM (
    SELECT x.h, x.k, x.slot, x.hh, x.type,
           nextval('hospitals_id_seq') AS hid,
           nextval('verification_requests_id_seq') AS qid,
           CASE x.slot WHEN 0 THEN 1 WHEN 1 THEN 3 WHEN 2 THEN 4 WHEN 3 THEN 5 END
               + 5 * (x.k - 1) AS creator,
           CASE WHEN x.slot < 3 THEN 'verified' WHEN x.slot = 3 THEN 'pending'
                ELSE 'rejected' END AS status,
           now() - (30 + x.hh % 400) * interval '1 day' - (x.hh % 86400) * interval '1 second'
               AS submitted_at,
           CASE x.type
               WHEN 'public'
               THEN (ARRAY['Government District Hospital', 'Government General Hospital',
                           'ESIC Hospital', 'Railway Hospital', 'Municipal General Hospital',
                           'Government Medical College Hospital'])[1 + x.hh % 6]
                    || ', ' || rg.cities[1 + x.ci]
               ELSE (ARRAY['Sri Sai', 'Lifeline', 'Sunrise', 'Apex', 'Metro', 'Sanjivani',
                           'Arogya', 'Jeevan Jyoti', 'Global', 'City Care', 'Swasthya', 'Anand',
                           'Sparsh', 'Amrita', 'Kamala', 'Annapurna'])[1 + (x.hh >> 4) % 16]
                    || CASE x.type
                       WHEN 'private'
                       THEN (ARRAY[' Multispeciality Hospital', ' Hospital',
                                   ' Superspeciality Hospital'])[1 + (x.hh >> 8) % 3]
                       WHEN 'specialty'
                       THEN (ARRAY[' Heart Institute', ' Cancer Centre', ' Eye Hospital',
                                   ' Kidney Care Centre', ' Orthopaedic Hospital',
                                   ' Women and Children Hospital'])[1 + (x.hh >> 8) % 6]
                       WHEN 'clinic'
                       THEN (ARRAY[' Clinic', ' Family Clinic', ' Polyclinic',
                                   ' Diagnostic Centre'])[1 + (x.hh >> 8) % 4]
                       ELSE ' Nursing Home' END END AS name,
           'CEA/' || rg.codes[1 + x.ci] || '/' || (2005 + x.hh % 18) || '/S'
               || lpad(x.h::text, 7, '0') AS registration_number,
           (1 + (x.hh >> 12) % 300) || ', ' || rg.streets[1 + (x.hh >> 16) % 5] AS address,
           rg.cities[1 + x.ci] AS city, rg.states[1 + x.ci] AS state, rg.stds[1 + x.ci] AS std,
           rg.rg,
           CASE x.type WHEN 'public' THEN 200 + (x.hh >> 6) % 600
                       WHEN 'private' THEN 100 + (x.hh >> 6) % 300
                       WHEN 'specialty' THEN 50 + (x.hh >> 6) % 200
                       WHEN 'clinic' THEN (x.hh >> 6) % 8
                       ELSE 10 + (x.hh >> 6) % 40 END AS bed_capacity,
           CASE WHEN x.slot = 4 THEN
               (ARRAY['The registration certificate has expired. Upload the renewed certificate.',
                      'The registration number does not match the Clinical Establishments '
                      'register.',
                      'The uploaded certificate is illegible. Upload a clear scan of all pages.',
                      'The address on the certificate differs from the one given. Upload proof '
                      'of the current address.'])[1 + (x.hh >> 14) % 4] END AS rejection_reason
    FROM (
        SELECT h, (h + 4) / 5 AS k, (h - 1) % 5 AS slot, hh,
               (h * 3 + h / 40) % 8 AS rg, (h / 8 + h * 7) % 5 AS ci,
               (ARRAY['public', 'private', 'specialty', 'clinic', 'nursing_home'])
                   [1 + ((h - 1) % 5 + (h + 4) / 5) % 5] AS type
        FROM (SELECT h, (h::bigint * 2654435761) % 4294967296 AS hh
              FROM cc_sample_param prm,
                   generate_series(5 * prm.unit_from - 4, 5 * prm.unit_to) AS h) s
    ) x
    JOIN cc_gen_region rg ON rg.rg = x.rg
) y;
CREATE INDEX ON cc_gen_hosp (h);
ANALYZE cc_gen_hosp;

-- step: scaled recruiters (plan)
-- Recruiter r (unit k, slot j = (r - 1) % 5) works at hospital 5(k-1) + (1, 1, 2, 3, 4)[j + 1],
-- named and placed after that hospital's region.
CREATE TEMP TABLE cc_gen_rec ON COMMIT DROP AS
SELECT b.r, b.hh, b.creates,
       nextval('users_id_seq') AS uid, nextval('recruiter_profiles_id_seq') AS rpid,
       'recruiter' || b.r || '@scale.carechain.test' AS email,
       CASE WHEN (b.hh >> 4) % 10 < 5 THEN rg.female[1 + (b.hh >> 8) % 10]
            ELSE rg.male[1 + (b.hh >> 8) % 10] END AS first_name,
       rg.family[1 + (b.hh >> 12) % 10] AS last_name,
       (ARRAY['HR Manager', 'Nursing Superintendent', 'Talent Acquisition Lead',
              'Head - Human Resources', 'Hospital Administrator', 'Recruitment Executive',
              'Medical Superintendent', 'HR Business Partner'])[1 + (b.hh >> 16) % 8]
           AS designation,
       '+91 98' || lpad(((b.hh * 7 + b.r) % 100000000)::text, 8, '0') AS phone_number,
       g.hid, g.name AS company_name,
       g.address || ', ' || g.city || ', ' || g.state AS company_address,
       g.status AS hospital_status, g.decided_at AS hospital_decided_at,
       CASE WHEN b.creates THEN g.submitted_at - interval '3 hours'
            ELSE g.submitted_at + (5 + b.r % 20) * interval '1 day' END AS joined
FROM (
    SELECT r, (r::bigint * 2246822519) % 4294967296 AS hh, (r - 1) % 5 <> 1 AS creates,
           5 * ((r + 4) / 5 - 1) + (ARRAY[1, 1, 2, 3, 4])[1 + (r - 1) % 5] AS hn
    FROM cc_sample_param prm, generate_series(5 * prm.unit_from - 4, 5 * prm.unit_to) AS r
) b
JOIN cc_gen_hosp g ON g.h = b.hn
JOIN cc_gen_region rg ON rg.rg = g.rg;
ANALYZE cc_gen_rec;

-- step: scaled candidates (plan)
-- Candidate n: profession t = n % 9, status by (n - 1) % 10 (0-4 verified, 5-7 pending,
-- 8-9 rejected), region and everything else from a multiplicative hash of n.
CREATE TEMP TABLE cc_gen_cand ON COMMIT DROP AS
SELECT y.*,
       CASE WHEN y.status <> 'pending'
            THEN y.submitted_at + (1 + (y.hh >> 13) % 5) * interval '1 day'
                 + ((y.hh >> 6) % 20000) * interval '1 second' END AS decided_at
FROM (
    SELECT x.*,
           x.joined + (1 + (x.hh >> 9) % 10) * interval '1 day'
               + ((x.hh >> 3) % 36000) * interval '1 second' AS submitted_at
    FROM (
        SELECT a.n, a.hh, a.t, a.status,
               nextval('users_id_seq') AS uid, nextval('candidate_profiles_id_seq') AS pid,
               nextval('verification_requests_id_seq') AS qid,
               'candidate' || a.n || '@scale.carechain.test' AS email,
               CASE WHEN a.female THEN rg.female[1 + (a.hh >> 12) % 10]
                    ELSE rg.male[1 + (a.hh >> 12) % 10] END AS first_name,
               rg.family[1 + (a.hh >> 16) % 10] AS last_name,
               CASE WHEN a.female THEN 'female' ELSE 'male' END AS gender,
               1 + (a.hh >> 23) % 18 + CASE WHEN a.t = 4 THEN 2 ELSE 0 END AS yrs,
               (1 + (a.hh >> 11) % 250) || ', ' || rg.streets[1 + (a.hh >> 19) % 5] AS address,
               rg.cities[1 + a.ci] AS city, rg.states[1 + a.ci] AS state,
               rg.codes[1 + a.ci] AS code,
               rg.cities[1 + (a.ci + 1 + (a.hh >> 27) % 4) % 5] AS other_city,
               now() - (20 + (a.hh >> 5) % 400) * interval '1 day'
                   - (a.hh % 86400) * interval '1 second' AS joined,
               CASE WHEN a.status = 'rejected' THEN
                   (ARRAY['The registration certificate has expired. Upload the renewed '
                          'certificate.',
                          'The name on the registration certificate does not match your ID '
                          'document.',
                          'The uploaded documents are illegible. Upload clear scans of every '
                          'page.',
                          'The registration number was not found in the council register.'])
                   [1 + (a.hh >> 5) % 4] END AS rejection_reason
        FROM (
            SELECT n, hh, n % 9 AS t, (hh >> 2) % 8 AS rg, (hh >> 20) % 5 AS ci,
                   CASE WHEN (n - 1) % 10 < 5 THEN 'verified'
                        WHEN (n - 1) % 10 < 8 THEN 'pending' ELSE 'rejected' END AS status,
                   (hh >> 8) % 20 < CASE WHEN n % 9 < 4 THEN 17 ELSE 9 END AS female
            FROM (SELECT n, (n::bigint * 2654435761) % 4294967296 AS hh
                  FROM cc_sample_param prm,
                       generate_series(10 * prm.unit_from - 9, 10 * prm.unit_to) AS n) s
        ) a
        JOIN cc_gen_region rg ON rg.rg = a.rg
    ) x
) y;
ANALYZE cc_gen_cand;

-- step: scaled users
INSERT INTO users (id, email, password, first_name, last_name, role, is_active, is_verified,
                   date_joined)
SELECT c.uid, c.email, prm.scaled_hash, c.first_name, c.last_name, 'candidate', true, true,
       c.joined
FROM cc_gen_cand c, cc_sample_param prm
UNION ALL
SELECT r.uid, r.email, prm.scaled_hash, r.first_name, r.last_name, 'recruiter', true, true,
       r.joined
FROM cc_gen_rec r, cc_sample_param prm;

-- step: scaled hospitals
INSERT INTO hospitals (id, name, registration_number, address, city, state, country,
                       phone_number, email, type, bed_capacity, website, verification_status,
                       verified_at, verified_by, rejection_reason, created_by, created_at,
                       updated_at)
SELECT g.hid, g.name, g.registration_number, g.address, g.city, g.state, 'India',
       '+91 ' || g.std || ' ' || lpad(((g.hh >> 3) % 100000000)::text, 10 - length(g.std), '0'),
       'hospital' || g.h || '@scale.carechain.test', g.type, g.bed_capacity,
       'https://hospital' || g.h || '.scale.carechain.test', g.status,
       CASE WHEN g.status = 'verified' THEN g.decided_at END,
       CASE WHEN g.status = 'verified' THEN prm.admin_id END,
       g.rejection_reason, r.uid, g.submitted_at - interval '2 hours',
       coalesce(g.decided_at, g.submitted_at)
FROM cc_gen_hosp g
CROSS JOIN cc_sample_param prm
LEFT JOIN cc_gen_rec r ON r.r = g.creator AND g.slot < 4;

-- step: scaled hospital verification
INSERT INTO verification_requests (id, hospital_id, submitted_by, status, registration_number,
                                   document_ids, notes, rejection_reason, decided_by,
                                   decided_at, submitted_at, updated_at)
SELECT g.qid, g.hid, r.uid, g.status, g.registration_number, '{}',
       CASE WHEN g.status = 'verified'
            THEN 'Registration checked against the Clinical Establishments register.' END,
       g.rejection_reason, CASE WHEN g.status <> 'pending' THEN prm.admin_id END,
       g.decided_at, g.submitted_at, coalesce(g.decided_at, g.submitted_at)
FROM cc_gen_hosp g
CROSS JOIN cc_sample_param prm
LEFT JOIN cc_gen_rec r ON r.r = g.creator AND g.slot < 4;
INSERT INTO verification_events (request_id, status, actor_id, reason, created_at)
SELECT e.request_id, e.status, e.actor_id, e.reason, e.created_at
FROM (
    SELECT g.qid AS request_id, 1 AS seq, 'pending' AS status, r.uid AS actor_id,
           NULL AS reason, g.submitted_at AS created_at
    FROM cc_gen_hosp g LEFT JOIN cc_gen_rec r ON r.r = g.creator AND g.slot < 4
    UNION ALL
    SELECT g.qid, 2, g.status, prm.admin_id, g.rejection_reason, g.decided_at
    FROM cc_gen_hosp g, cc_sample_param prm
    WHERE g.status <> 'pending'
) e
ORDER BY e.request_id, e.seq;

-- step: scaled candidate profiles
INSERT INTO candidate_profiles (id, user_id, verification_status, phone_number, date_of_birth,
                                gender, address, city, state, country, headline, summary,
                                years_of_experience, specialization, certifications,
                                expected_salary, available_from, preferred_job_types,
                                preferred_locations, verified_at, verified_by, rejection_reason,
                                created_at, updated_at)
SELECT c.pid, c.uid, c.status,
       '+91 98' || lpad(((c.hh * 7 + c.n) % 100000000)::text, 8, '0'),
       current_date - ((22 + c.yrs + (c.hh >> 27) % 6) * 365 + (c.hh >> 2) % 365)::integer,
       c.gender, c.address, c.city, c.state, 'India',
       p.headline || ' | ' || c.yrs || CASE WHEN c.yrs = 1 THEN ' year' ELSE ' years' END
           || ' experience',
       p.summary_a || c.yrs || p.summary_b || c.city || p.summary_c,
       c.yrs, p.specialization, p.certifications,
       ((p.salary_base + c.yrs * p.salary_step) / 500 * 500)::numeric(12, 2),
       current_date + ((c.hh >> 7) % 60)::integer,
       p.job_types[1:1 + (c.hh >> 11) % 3],
       ARRAY[c.city, c.other_city],
       CASE WHEN c.status = 'verified' THEN c.decided_at END,
       CASE WHEN c.status = 'verified' THEN prm.admin_id END,
       c.rejection_reason, c.joined, coalesce(c.decided_at, c.submitted_at)
FROM cc_gen_cand c
JOIN cc_gen_prof p ON p.t = c.t
CROSS JOIN cc_sample_param prm;

-- step: scaled candidate verification
INSERT INTO verification_requests (id, candidate_profile_id, submitted_by, status,
                                   license_number, registration_council, specialization,
                                   id_document_type, id_document_number, document_ids, notes,
                                   rejection_reason, decided_by, decided_at, submitted_at,
                                   updated_at)
SELECT c.qid, c.pid, c.uid, c.status,
       CASE WHEN p.state_license THEN c.code ELSE '' END || p.license_code || '-'
           || (prm.this_year - c.yrs) || '-' || lpad(c.n::text, 6, '0'),
       coalesce(p.council, c.state || p.council_suffix),
       p.specialization, 'aadhaar', 'XXXX XXXX ' || lpad((c.hh % 10000)::text, 4, '0'), '{}',
       CASE WHEN c.status = 'verified'
            THEN 'Registration checked against the council register.' END,
       c.rejection_reason, CASE WHEN c.status <> 'pending' THEN prm.admin_id END,
       c.decided_at, c.submitted_at, coalesce(c.decided_at, c.submitted_at)
FROM cc_gen_cand c
JOIN cc_gen_prof p ON p.t = c.t
CROSS JOIN cc_sample_param prm;
INSERT INTO verification_events (request_id, status, actor_id, reason, created_at)
SELECT e.request_id, e.status, e.actor_id, e.reason, e.created_at
FROM (
    SELECT c.qid AS request_id, 1 AS seq, 'pending' AS status, c.uid AS actor_id,
           NULL AS reason, c.submitted_at AS created_at
    FROM cc_gen_cand c
    UNION ALL
    SELECT c.qid, 2, c.status, prm.admin_id, c.rejection_reason, c.decided_at
    FROM cc_gen_cand c, cc_sample_param prm
    WHERE c.status <> 'pending'
) e
ORDER BY e.request_id, e.seq;

-- step: scaled candidate skills and qualifications
INSERT INTO candidate_skills (profile_id, skill_id)
SELECT c.pid, s.id
FROM cc_gen_cand c
JOIN cc_gen_prof p ON p.t = c.t
CROSS JOIN LATERAL unnest(p.skills[1:3 + (c.hh >> 14) % 4]) AS n (name)
JOIN skills s ON lower(s.name) = lower(n.name) AND s.is_active;
INSERT INTO candidate_qualifications (profile_id, qualification_id)
SELECT c.pid, q.id
FROM cc_gen_cand c
JOIN cc_gen_prof p ON p.t = c.t
CROSS JOIN LATERAL unnest(p.qualifications[1:1 + (c.hh >> 18) % 2]) AS n (name)
JOIN qualifications q ON lower(q.name) = lower(n.name) AND q.is_active;

-- step: scaled recruiter profiles
INSERT INTO recruiter_profiles (id, user_id, company_name, designation, phone_number,
                                company_address, hospital_id, verification_status, verified_at,
                                verified_by, created_at, updated_at)
SELECT r.rpid, r.uid, r.company_name, r.designation, r.phone_number, r.company_address, r.hid,
       CASE WHEN r.hospital_status = 'verified' THEN 'verified' ELSE 'pending' END,
       CASE WHEN r.hospital_status = 'verified'
            THEN greatest(r.hospital_decided_at, r.joined + interval '1 hour') END,
       CASE WHEN r.hospital_status = 'verified' THEN prm.admin_id END,
       r.joined,
       greatest(r.joined, coalesce(r.hospital_decided_at, r.joined)) + interval '1 hour'
FROM cc_gen_rec r CROSS JOIN cc_sample_param prm;

-- step: scaled jobs (plan)
-- Unit k gets jobs g = 20(k-1)+1 .. 20k, j = (g - 1) % 20: at its verified hospital slot
-- j % 3, posted by a recruiter of that hospital (slot 0 has two, taking turns); the kind of job
-- (the professions of cc_gen_prof), level, type, pay, skills (3-5) and qualifications (1-2)
-- from a multiplicative hash of g. j = 18 has expired, j = 19 was closed (filled): 5 % each.
CREATE TEMP TABLE cc_gen_jobkind (
    t           integer PRIMARY KEY,        -- as cc_gen_prof.t
    titles      text[] NOT NULL,
    departments text[] NOT NULL,
    description text NOT NULL,              -- description = this || ' ' || the hospital part
    requirements text NOT NULL,
    shifts      text[] NOT NULL
) ON COMMIT DROP;
INSERT INTO cc_gen_jobkind VALUES
    (0, '{"ICU Staff Nurse","Critical Care Nurse","MICU Staff Nurse"}',
     '{"Medical ICU","Surgical ICU","Critical Care"}',
     'Staff nurse for the intensive care unit: ventilated and unstable patients, central and '
     'arterial lines, rapid response calls.',
     'B.Sc Nursing or GNM with state nursing council registration; BLS and ACLS.',
     '{rotating,night,rotating,day}'),
    (1, '{"Operation Theatre Nurse","Scrub Nurse","OT Staff Nurse"}',
     '{"Operation Theatre","General Surgery","Orthopaedics"}',
     'Scrub and circulating nurse for elective and emergency theatre lists, instrument and swab '
     'counts, WHO surgical safety checklist.',
     'GNM or Post Basic B.Sc Nursing with OT experience; BLS.', '{day,rotating,day,flexible}'),
    (2, '{"Labour Room Staff Nurse","Nurse-Midwife","Maternity Ward Nurse"}',
     '{"Obstetrics and Gynaecology","Labour Room","Maternity"}',
     'Nurse-midwife for the labour room and maternity ward: labour monitoring, normal '
     'deliveries, newborn care and breastfeeding support.',
     'GNM or B.Sc Nursing with state registration; NRP certification.',
     '{rotating,night,rotating,day}'),
    (3, '{"NICU Staff Nurse","Neonatal Nurse","Paediatric Staff Nurse"}',
     '{"Neonatology","NICU","Paediatrics"}',
     'Staff nurse for the neonatal unit: preterm and ventilated newborns, phototherapy, kangaroo '
     'mother care.',
     'B.Sc Nursing or GNM; NRP certification, PALS preferred.', '{rotating,night,day,rotating}'),
    (4, '{"Duty Medical Officer","Casualty Medical Officer","Resident Medical Officer"}',
     '{"Emergency Medicine","Casualty","Internal Medicine"}',
     'Medical officer for the emergency department and wards: triage, resuscitation, admissions '
     'and medico-legal cases, with night duty.',
     'MBBS with permanent NMC or state medical council registration; ACLS.',
     '{rotating,night,day,rotating}'),
    (5, '{Physiotherapist,"Rehabilitation Physiotherapist","Physiotherapist - Orthopaedics"}',
     '{"Physical Medicine and Rehabilitation",Orthopaedics,Physiotherapy}',
     'Physiotherapist for inpatient and outpatient rehabilitation after surgery, stroke and '
     'injury, and chest physiotherapy in the ICU.',
     'BPT (MPT preferred) with inpatient experience.', '{day,day,flexible,day}'),
    (6, '{"Medical Laboratory Technician","Laboratory Technologist","Phlebotomist"}',
     '{"Central Laboratory","Laboratory Medicine",Pathology}',
     'Laboratory technician for sample collection, haematology and biochemistry on automated '
     'analysers, and internal quality control.',
     'DMLT or B.Sc MLT; experience in an NABL-accredited laboratory preferred.',
     '{rotating,day,night,day}'),
    (7, '{"Hospital Pharmacist","Clinical Pharmacist","Pharmacist - Inpatient Pharmacy"}',
     '{Pharmacy,"Inpatient Pharmacy","Clinical Pharmacy"}',
     'Pharmacist for ward and OPD dispensing, prescription review, narcotics register and stock '
     'and cold chain checks.',
     'D.Pharm or B.Pharm registered with the state pharmacy council.', '{day,night,rotating,day}'),
    (8, '{Radiographer,"CT Technician","X-ray Technician"}',
     '{Radiology,"Radiology and Imaging","Radiodiagnosis"}',
     'Radiographer for X-ray, CT and portable imaging, with PACS worklists and AERB radiation '
     'safety.',
     'Diploma or B.Sc in radiology and imaging technology; AERB radiation safety training.',
     '{rotating,day,night,day}');

INSERT INTO cc_job_plan
SELECT nextval('jobs_id_seq'), z.hid, r.rpid, r.uid,
       z.title, z.description, z.requirements, z.department, z.location, z.city, z.state,
       z.job_type, z.level, z.years,
       round(z.monthly_min / z.divisor / z.rounding) * z.rounding,
       round(z.monthly_max / z.divisor / z.rounding) * z.rounding,
       z.pay_unit, z.shift, z.created_at::date + z.start_after,
       CASE WHEN z.job_type IN ('contract', 'temporary', 'locum')
            THEN z.created_at::date + z.start_after + z.duration END,
       z.vacancies, z.j <> 19, z.created_at,
       CASE WHEN z.j = 19 THEN z.created_at + (10 + z.gh % 20) * interval '1 day'
            ELSE z.created_at END,
       CASE WHEN z.j = 18 THEN z.created_at + interval '30 days'
            WHEN (z.gh >> 7) % 3 = 0 THEN NULL
            ELSE now() + (10 + (z.gh >> 11) % 50) * interval '1 day' END,
       p.skills[1:3 + (z.gh >> 17) % 3], p.qualifications[1:1 + (z.gh >> 19) % 2], z.g
FROM (
    SELECT y.*,
           CASE y.pay_unit WHEN 'hourly' THEN 180 WHEN 'daily' THEN 24 WHEN 'per_shift' THEN 18
                           ELSE 1 END AS divisor,
           CASE y.pay_unit WHEN 'hourly' THEN 10 WHEN 'daily' THEN 50 WHEN 'per_shift' THEN 100
                           ELSE 500 END AS rounding,
           CASE WHEN y.level = 'senior' THEN 'Senior ' WHEN y.level = 'executive' THEN 'Lead '
                ELSE '' END || k.titles[1 + (y.gh >> 9) % 3] AS title,
           k.departments[1 + (y.gh >> 21) % 3] AS department,
           k.description || ' ' || g.name || ' is a ' || g.bed_capacity || '-bed '
               || replace(g.type, '_', ' ') || ' hospital in ' || g.city || ', ' || g.state
               || '.' AS description,
           k.requirements || CASE WHEN y.years = 0 THEN ' Freshers welcome.'
                                  ELSE ' At least ' || y.years || CASE WHEN y.years = 1
                                       THEN ' year' ELSE ' years' END || ' of experience.' END
               AS requirements,
           g.address || ', ' || g.city AS location, g.city, g.state, g.hid,
           k.shifts[1 + (y.gh >> 23) % 4] AS shift
    FROM (
        SELECT x.*,
               CASE WHEN x.lv < 3 THEN 'entry' WHEN x.lv < 7 THEN 'mid' WHEN x.lv < 9 THEN 'senior'
                    ELSE 'executive' END AS level,
               CASE WHEN x.lv < 3 THEN x.lv % 2 WHEN x.lv < 7 THEN 2 + (x.gh >> 25) % 3
                    WHEN x.lv < 9 THEN 5 + (x.gh >> 25) % 5 ELSE 10 + (x.gh >> 25) % 6
                    END::integer AS years,
               pr.job_types[1 + (x.gh >> 3) % 3] AS job_type,
               CASE pr.job_types[1 + (x.gh >> 3) % 3]
                   WHEN 'part_time' THEN 'hourly' WHEN 'per_diem' THEN 'daily'
                   WHEN 'locum' THEN 'per_shift' ELSE 'monthly' END AS pay_unit,
               (pr.salary_base + (x.lv + 1) * 2 * pr.salary_step)::numeric AS monthly_min,
               (pr.salary_base + (x.lv + 1) * 2 * pr.salary_step)::numeric * 1.3 AS monthly_max,
               CASE WHEN x.j = 18 THEN now() - (60 + x.gh % 30) * interval '1 day'
                    WHEN x.j = 19 THEN now() - (40 + x.gh % 50) * interval '1 day'
                    ELSE now() - (5 + x.gh % 85) * interval '1 day' END
                   - ((x.gh >> 4) % 86400) * interval '1 second' AS created_at,
               (7 + (x.gh >> 13) % 38)::integer AS start_after,
               (ARRAY[90, 180, 365])[1 + (x.gh >> 15) % 3] AS duration,
               (1 + (x.gh >> 27) % 4)::integer AS vacancies
        FROM (
            SELECT g, gh, (g - 1) % 20 AS j, (g + 19) / 20 AS k, gh % 9 AS t, (gh >> 5) % 10 AS lv
            FROM (SELECT g, (g::bigint * 2654435761) % 4294967296 AS gh
                  FROM cc_sample_param prm,
                       generate_series(20 * prm.unit_from - 19, 20 * prm.unit_to) AS g) s
        ) x
        JOIN cc_gen_prof pr ON pr.t = x.t
    ) y
    JOIN cc_gen_jobkind k ON k.t = y.t
    JOIN cc_gen_hosp g ON g.h = 5 * (y.k - 1) + 1 + y.j % 3
) z
JOIN cc_gen_prof p ON p.t = z.t
JOIN cc_gen_rec r ON r.r = 5 * (z.k - 1) + 1
                          + CASE z.j % 3 WHEN 0 THEN (z.j / 3) % 2 WHEN 1 THEN 2 ELSE 3 END
ORDER BY z.g;
CREATE INDEX ON cc_job_plan (gen_no);
ANALYZE cc_job_plan;

-- Unit k: application i = 0..49 by candidate slot c = i % 10 to the unit's job
-- j = (3c + 4(i / 10)) % 20 (five different jobs per candidate); the status is the i-th of a
-- fixed list with the curated mix (hired and offered only for verified candidates, c < 5); the
-- hired ones in list order get active, active, active, completed, completed, terminated.
INSERT INTO cc_app_plan (id, job_id, candidate_id, status, reached, frac, opening, notes,
                         assignment, rating, feedback)
SELECT nextval('applications_id_seq'), jp.id, c.pid, x.status,
       CASE x.status WHEN 'rejected' THEN 1 + x.ah % 4 WHEN 'withdrawn' THEN 1 + x.ah % 3
                     ELSE 1 END,
       ((x.ah >> 4) % 800) / 1000.0, (x.ah >> 2) % 3,
       CASE WHEN x.status <> 'applied' AND (x.ah >> 14) % 2 = 0 THEN
           (ARRAY['Good references from the current employer.',
                  'Registration verified with the council.',
                  'Can join within a month.', 'Asked about night shift allowance.',
                  'Strong clinical skills; interview went well.',
                  'Expected salary above the band.'])[1 + (x.ah >> 15) % 6] ELSE '' END,
       x.assignment,
       CASE WHEN x.assignment = 'completed' THEN 3 + (x.ah >> 18) % 3 END,
       CASE WHEN x.assignment = 'completed' THEN
           (ARRAY['Dependable and punctual; handovers were thorough.',
                  'Fitted into the team quickly and handled a heavy caseload.',
                  'Good clinical work; documentation could be more timely.'])
           [1 + (x.ah >> 20) % 3] END
FROM (
    SELECT a, k, i, (a::bigint * 2246822519) % 4294967296 AS ah,
           (ARRAY['hired', 'offered', 'applied', 'hired', 'rejected', 'reviewed', 'shortlisted',
                  'withdrawn', 'interviewing', 'applied', 'rejected', 'hired', 'offered',
                  'reviewed', 'shortlisted', 'withdrawn', 'interviewing', 'applied', 'rejected',
                  'reviewed', 'shortlisted', 'withdrawn', 'hired', 'offered', 'interviewing',
                  'applied', 'rejected', 'reviewed', 'shortlisted', 'withdrawn', 'interviewing',
                  'applied', 'rejected', 'hired', 'offered', 'reviewed', 'shortlisted',
                  'interviewing', 'applied', 'rejected', 'reviewed', 'shortlisted', 'applied',
                  'rejected', 'hired', 'reviewed', 'applied', 'rejected', 'applied',
                  'applied'])[1 + i] AS status,
           CASE i WHEN 0 THEN 'active' WHEN 3 THEN 'active' WHEN 11 THEN 'active'
                  WHEN 22 THEN 'completed' WHEN 33 THEN 'completed' WHEN 44 THEN 'terminated'
                  END AS assignment
    FROM (SELECT a, (a + 49) / 50 AS k, (a - 1) % 50 AS i
          FROM cc_sample_param prm,
               generate_series(50 * prm.unit_from - 49, 50 * prm.unit_to) AS a) s
) x
JOIN cc_gen_cand c ON c.n = 10 * (x.k - 1) + 1 + x.i % 10
JOIN cc_job_plan jp
    ON jp.gen_no = 20 * (x.k - 1) + 1 + (3 * (x.i % 10) + 4 * (x.i / 10)) % 20
ORDER BY x.a;

-- step: jobs indexes off
-- A big load (5,000 jobs or more) drops the secondary indexes of jobs and builds them again
-- after the jobs and their links are in ("jobs indexes on"): one sorted build of each index
-- instead of 100,000 insertions into every GIN and btree. The triggers that keep skill_names and
-- the id arrays from job_skills/job_qualifications are paused meanwhile: "jobs rows" writes
-- those columns itself, from the same names. All inside the load's one transaction, so a
-- failure restores everything (other sessions wait on jobs until it commits).
CREATE TEMP TABLE cc_job_indexes ON COMMIT DROP AS
SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = 'jobs'::regclass AND NOT i.indisprimary AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
  AND (SELECT count(*) FROM cc_job_plan) >= 5000;
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT name FROM cc_job_indexes LOOP
        EXECUTE format('DROP INDEX %I', r.name);
    END LOOP;
    IF EXISTS (SELECT 1 FROM cc_job_indexes) THEN
        ALTER TABLE job_skills DISABLE TRIGGER job_skills_insert;
        ALTER TABLE job_skills DISABLE TRIGGER job_skills_match_insert;
        ALTER TABLE job_qualifications DISABLE TRIGGER job_quals_match_insert;
    END IF;
END
$$;

-- step: jobs rows
-- Writes what the curated and scaled parts planned. A job's vacancies cover its hires. The
-- columns the job_skills/job_qualifications triggers keep (skill_names, skill_ids,
-- qualification_ids) are written here already, from the same names the next step links, so
-- those triggers find every row right and write none of them again.
INSERT INTO jobs (id, hospital_id, posted_by, title, description, requirements, department,
                  location, city, state, job_type, experience_level, min_experience_years,
                  salary_min, salary_max, salary_currency, pay_unit, shift, start_date,
                  end_date, vacancies, is_active, created_at, updated_at, expires_at,
                  skill_names, skill_ids, qualification_ids)
SELECT j.id, j.hospital_id, j.posted_by, j.title, j.description, j.requirements, j.department,
       j.location, j.city, j.state, j.job_type, j.experience_level, j.min_experience_years,
       j.salary_min, j.salary_max, 'INR', j.pay_unit, j.shift, j.start_date, j.end_date,
       greatest(j.vacancies, coalesce(h.n, 0)), j.is_active, j.created_at, j.updated_at,
       j.expires_at, coalesce(sk.names, ''), coalesce(sk.ids, '{}'), coalesce(qk.ids, '{}')
FROM cc_job_plan j
LEFT JOIN (SELECT job_id, count(*) AS n FROM cc_app_plan WHERE status = 'hired'
           GROUP BY job_id) h ON h.job_id = j.id
-- the names resolved with one hash join each (not a scan of the master table per job)
LEFT JOIN (SELECT l.id, string_agg(s.name, ' ' ORDER BY s.name) AS names,
                  array_agg(s.id ORDER BY s.id) AS ids
           FROM (SELECT DISTINCT p.id, lower(x) AS name
                 FROM cc_job_plan p CROSS JOIN LATERAL unnest(p.skills) x) l
           JOIN skills s ON s.is_active AND lower(s.name) = l.name
           GROUP BY l.id) sk ON sk.id = j.id
LEFT JOIN (SELECT l.id, array_agg(q.id ORDER BY q.id) AS ids
           FROM (SELECT DISTINCT p.id, lower(x) AS name
                 FROM cc_job_plan p CROSS JOIN LATERAL unnest(p.qualifications) x) l
           JOIN qualifications q ON q.is_active AND lower(q.name) = l.name
           GROUP BY l.id) qk ON qk.id = j.id
ORDER BY j.id;

-- step: jobs skills and qualifications
-- By name, like the candidates'; names missing from the master tables are skipped. The
-- triggers that keep jobs.skill_names and the id arrays find them written already.
INSERT INTO job_skills (job_id, skill_id)
SELECT DISTINCT j.id, s.id
FROM cc_job_plan j
CROSS JOIN LATERAL unnest(j.skills) AS n (name)
JOIN skills s ON lower(s.name) = lower(n.name) AND s.is_active;
INSERT INTO job_qualifications (job_id, qualification_id)
SELECT DISTINCT j.id, q.id
FROM cc_job_plan j
CROSS JOIN LATERAL unnest(j.qualifications) AS n (name)
JOIN qualifications q ON lower(q.name) = lower(n.name) AND q.is_active;

-- step: jobs indexes on
-- The content version's triggers (0011) are deferred to commit, and PostgreSQL builds no index
-- on a table with trigger events pending: run them now (the first raises the version, the
-- rest find it raised), and the rest of the load's at the end of each statement.
SET CONSTRAINTS ALL IMMEDIATE;
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT def FROM cc_job_indexes LOOP
        EXECUTE r.def;
    END LOOP;
    IF EXISTS (SELECT 1 FROM cc_job_indexes) THEN
        ALTER TABLE job_skills ENABLE TRIGGER job_skills_insert;
        ALTER TABLE job_skills ENABLE TRIGGER job_skills_match_insert;
        ALTER TABLE job_qualifications ENABLE TRIGGER job_quals_match_insert;
    END IF;
END
$$;
ANALYZE jobs;

-- step: jobs applications
-- The candidate applied at frac of the job's open window (created .. the earliest of expiry,
-- closing and yesterday), so only to jobs open then. The history walks the forward statuses
-- up to the current one (rejected and withdrawn: the first `reached`, then the final one),
-- one step at most 4 days apart and the last one before now.
CREATE TEMP TABLE cc_app_full ON COMMIT DROP AS
SELECT y.*, y.applied_at + (cardinality(y.path) - 1) * y.step AS changed_at
FROM (
    SELECT x.*, least((now() - x.applied_at) / cardinality(x.path), interval '4 days') AS step
    FROM (
        SELECT a.*, j.recruiter_user, p.user_id AS candidate_user,
               j.created_at + a.frac * (least(j.expires_at,
                                              CASE WHEN NOT j.is_active THEN j.updated_at END,
                                              now() - interval '1 day') - j.created_at)
                   AS applied_at,
               CASE WHEN a.status IN ('rejected', 'withdrawn')
                    THEN (ARRAY['applied', 'reviewed', 'shortlisted', 'interviewing',
                                'offered'])[1:a.reached] || a.status
                    ELSE (ARRAY['applied', 'reviewed', 'shortlisted', 'interviewing', 'offered',
                                'hired'])[1:array_position(ARRAY['applied', 'reviewed',
                                                                 'shortlisted', 'interviewing',
                                                                 'offered', 'hired'],
                                                           a.status)] END AS path,
               CASE a.opening
                   WHEN 0 THEN 'Dear Hiring Manager,' || E'\n\n' || 'I am writing to apply for the '
                               || j.title || ' position at ' || h.name || ', ' || h.city || '. '
                   WHEN 1 THEN 'Dear ' || h.name || ' recruitment team,' || E'\n\n'
                               || 'Please consider my application for the ' || j.title
                               || ' post. '
                   ELSE 'Hello,' || E'\n\n' || 'I would like to apply for your opening for '
                        || j.title || ' in ' || h.city || '. ' END
                   || p.summary || E'\n\n' || 'I can join from '
                   || to_char(p.available_from, 'FMDD Mon YYYY') || '.' || E'\n\n'
                   || 'Regards,' || E'\n' || u.first_name || ' ' || u.last_name AS cover_letter
        FROM cc_app_plan a
        JOIN cc_job_plan j ON j.id = a.job_id
        JOIN hospitals h ON h.id = j.hospital_id
        JOIN candidate_profiles p ON p.id = a.candidate_id
        JOIN users u ON u.id = p.user_id
    ) x
) y;
ANALYZE cc_app_full;
INSERT INTO applications (id, job_id, candidate_id, status, applied_at, updated_at,
                          cover_letter, notes)
SELECT a.id, a.job_id, a.candidate_id, a.status, a.applied_at, a.changed_at, a.cover_letter,
       a.notes
FROM cc_app_full a
ORDER BY a.id;

-- step: jobs application history
-- The candidate applies and withdraws; the job's recruiter makes every other change.
INSERT INTO application_events (application_id, status, changed_by, changed_at)
SELECT a.id, s.status,
       CASE WHEN s.status IN ('applied', 'withdrawn') THEN a.candidate_user
            ELSE a.recruiter_user END,
       a.applied_at + (s.ord - 1) * a.step
FROM cc_app_full a
CROSS JOIN LATERAL unnest(a.path) WITH ORDINALITY AS s (status, ord)
ORDER BY a.id, s.ord;

-- step: jobs assignments
-- Hired: an active job from a week after the hire (at most today); completed and terminated
-- ones ended halfway between their start and today; completed ones get their record.
CREATE TEMP TABLE cc_assign ON COMMIT DROP AS
SELECT x.*, x.start_date + (current_date - x.start_date) / 2 AS end_date
FROM (
    SELECT nextval('active_jobs_id_seq') AS active_id, a.id AS application_id, a.job_id,
           a.candidate_id, a.assignment, a.rating, a.feedback, a.changed_at AS hired_at,
           least(current_date, (a.changed_at + interval '7 days')::date) AS start_date
    FROM cc_app_full a
    WHERE a.status = 'hired'
    ORDER BY a.id
) x;
INSERT INTO active_jobs (id, application_id, job_id, candidate_id, start_date, end_date, status,
                         created_at, updated_at)
SELECT s.active_id, s.application_id, s.job_id, s.candidate_id, s.start_date,
       CASE WHEN s.assignment <> 'active' THEN s.end_date END, s.assignment, s.hired_at,
       CASE WHEN s.assignment = 'active' THEN s.hired_at
            ELSE greatest(s.hired_at, least(now(), s.end_date + interval '17 hours')) END
FROM cc_assign s
ORDER BY s.active_id;
INSERT INTO completed_jobs (active_job_id, job_id, candidate_id, completion_date, rating,
                            feedback, created_at)
SELECT s.active_id, s.job_id, s.candidate_id, s.end_date, s.rating, s.feedback,
       greatest(s.hired_at, least(now(), s.end_date + interval '17 hours'))
FROM cc_assign s
WHERE s.assignment = 'completed'
ORDER BY s.active_id;
